import { formatAddress, parseAddress, parseAddresses } from '../../src/network/address';

describe('broker addresses', () => {
  test('host:port, bare host, IPv6 and comma-separated lists', () => {
    expect(parseAddress('kafka-1:9093')).toEqual({ host: 'kafka-1', port: 9093 });
    expect(parseAddress('kafka-1')).toEqual({ host: 'kafka-1', port: 9092 });
    expect(parseAddress('[::1]:19092')).toEqual({ host: '::1', port: 19092 });
    expect(parseAddress('::1')).toEqual({ host: '::1', port: 9092 });
    expect(parseAddresses(['a:1, b:2', 'c:3'])).toEqual([
      { host: 'a', port: 1 },
      { host: 'b', port: 2 },
      { host: 'c', port: 3 },
    ]);
  });

  test('a bad port says how to write the address', () => {
    expect(() => parseAddress('kafka:99999')).toThrow(/no valid port; write it as host:port/);
    expect(() => parseAddress('kafka:abc')).toThrow(/no valid port/);
  });

  test('IPv6 literals are bracketed when formatted', () => {
    expect(formatAddress('::1', 9092)).toBe('[::1]:9092');
    expect(formatAddress('localhost', 9092)).toBe('localhost:9092');
  });
});
