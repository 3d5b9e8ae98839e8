import { PlainClient } from '../../../src/network/sasl/plain';

describe('PLAIN client', () => {
  it('sends NUL user NUL password (empty authzid, as Java) and expects nothing more', async () => {
    const c = new PlainClient('alice', 'pä55');
    expect(await c.start()).toEqual(Buffer.from('\u0000alice\u0000pä55', 'utf8'));
    expect(c.respond()).toBeNull();
  });
});
