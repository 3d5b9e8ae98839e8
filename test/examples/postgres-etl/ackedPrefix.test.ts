// The ETL example's acked prefix (examples/postgres-etl/ackedPrefix.js): the position it may
// checkpoint under acks in any order and ids with gaps. The whole job runs on PostgreSQL and Kafka
// in test/real-kafka/examples/postgresEtl.test.ts.
interface AckedPrefixClass {
  new (start: number): { position: number; read(position: number): void; acked(position: number): number };
}
// eslint-disable-next-line @typescript-eslint/no-require-imports
const { AckedPrefix } = require('../../../examples/postgres-etl/ackedPrefix') as { AckedPrefix: AckedPrefixClass };

describe('AckedPrefix', () => {
  test('moves only when the oldest outstanding position is acked, then past every acked one behind it', () => {
    const prefix = new AckedPrefix(0);
    for (const id of [3, 7, 8, 20, 21, 40]) prefix.read(id); // gaps: nothing may assume id + 1
    expect(prefix.acked(8)).toBe(0);
    expect(prefix.acked(20)).toBe(0);
    expect(prefix.acked(3)).toBe(3);
    expect(prefix.acked(7)).toBe(20);
    expect(prefix.acked(40)).toBe(20);
    expect(prefix.acked(21)).toBe(40);
  });

  test('one partition far behind holds the position however many later acks arrive (and the read order is kept across compaction)', () => {
    const prefix = new AckedPrefix(100);
    const n = 20_000;
    for (let i = 1; i <= n; i++) prefix.read(100 + 2 * i);
    // Odd-indexed records on a slow partition: all the others are acked first.
    const whileBehind = new Set<number>();
    for (let i = 2; i <= n; i += 2) whileBehind.add(prefix.acked(100 + 2 * i));
    expect([...whileBehind]).toEqual([100]);
    const caughtUp: number[] = [];
    const expected: number[] = [];
    for (let i = 1; i <= n; i += 2) {
      caughtUp.push(prefix.acked(100 + 2 * i));
      expected.push(100 + 2 * (i + 1));
    }
    expect(caughtUp).toEqual(expected);
    // After the front was dropped, new reads still line up.
    prefix.read(100 + 2 * n + 5);
    expect(prefix.acked(100 + 2 * n + 5)).toBe(100 + 2 * n + 5);
  });
});
