import { ScramClient, scramUsername } from '../../../src/network/sasl/scram';

/**
 * The published exchanges: RFC 5802 §5 (SCRAM-SHA-1) and RFC 7677 §3 (SCRAM-SHA-256), user "user",
 * password "pencil", 4096 iterations. SHA-1 is not a Kafka mechanism; it checks the computation
 * that SHA-256 and SHA-512 share.
 */
const VECTORS = [
  {
    rfc: 'RFC 5802 (SHA-1)',
    hash: 'sha1' as const,
    clientNonce: 'fyko+d2lbbFgONRv9qkxdawL',
    clientFirst: 'n,,n=user,r=fyko+d2lbbFgONRv9qkxdawL',
    serverFirst: 'r=fyko+d2lbbFgONRv9qkxdawL3rfcNHYJY1ZVvWVs7j,s=QSXCR+Q6sek8bf92,i=4096',
    clientFinal: 'c=biws,r=fyko+d2lbbFgONRv9qkxdawL3rfcNHYJY1ZVvWVs7j,p=v0X8v3Bz2T0CJGbJQyF0X+HI4Ts=',
    serverFinal: 'v=rmF9pqV8S7suAoZWja4dJRkFsKQ=',
  },
  {
    rfc: 'RFC 7677 (SHA-256)',
    hash: 'sha256' as const,
    clientNonce: 'rOprNGfwEbeRWgbNEkqO',
    clientFirst: 'n,,n=user,r=rOprNGfwEbeRWgbNEkqO',
    serverFirst: 'r=rOprNGfwEbeRWgbNEkqO%hvYDpWUa2RaTCAfuxFIlj)hNlF$k0,s=W22ZaJ0SNY7soEsUEjb6gQ==,i=4096',
    clientFinal: 'c=biws,r=rOprNGfwEbeRWgbNEkqO%hvYDpWUa2RaTCAfuxFIlj)hNlF$k0,p=dHzbZapWIk4jUhN+Ute9ytag9zjfMHgsqmmiz7AndVQ=',
    serverFinal: 'v=6rriTRBi23WpRR/wtup+mMhUZUn/dB5nLTJRsjl95G4=',
  },
];

describe.each(VECTORS)('SCRAM client against $rfc', (v) => {
  const client = () => new ScramClient('SCRAM', v.hash, 'user', 'pencil', v.clientNonce);

  it('writes the published messages and accepts the published server signature', async () => {
    const c = client();
    expect((await c.start()).toString()).toBe(v.clientFirst);
    expect(c.respond(Buffer.from(v.serverFirst))!.toString()).toBe(v.clientFinal);
    expect(c.respond(Buffer.from(v.serverFinal))).toBeNull();
  });

  it('rejects a wrong server signature: the broker does not know the password', async () => {
    const c = client();
    await c.start();
    c.respond(Buffer.from(v.serverFirst));
    const forged = `v=${Buffer.alloc(v.hash === 'sha1' ? 20 : 32, 7).toString('base64')}`;
    expect(() => c.respond(Buffer.from(forged))).toThrow(/SCRAM signature is wrong/);
  });

  it('passes on the server error of a refused proof', async () => {
    const c = client();
    await c.start();
    c.respond(Buffer.from(v.serverFirst));
    expect(() => c.respond(Buffer.from('e=invalid-proof'))).toThrow(/refused the SCRAM proof: invalid-proof/);
  });
});

describe('SCRAM client checks the server-first message', () => {
  const start = async (serverFirst: string) => {
    const c = new ScramClient('SCRAM-SHA-256', 'sha256', 'user', 'pencil', 'abc');
    await c.start();
    return () => c.respond(Buffer.from(serverFirst));
  };

  it('a nonce that does not extend the client nonce (replay or forgery)', async () => {
    expect(await start('r=xyz123,s=QSXCR+Q6sek8bf92,i=4096')).toThrow(/nonce does not extend/);
    expect(await start('r=abc,s=QSXCR+Q6sek8bf92,i=4096')).toThrow(/nonce does not extend/);
  });

  it('fewer than 4096 iterations (Java refuses them too)', async () => {
    expect(await start('r=abcdef,s=QSXCR+Q6sek8bf92,i=1000')).toThrow(/1000 SCRAM iterations, fewer than the safe minimum 4096/);
  });

  it('a malformed message or a mandatory extension', async () => {
    expect(await start('r=abcdef,i=4096')).toThrow(/malformed/);
    expect(await start('m=ext,r=abcdef,s=QSXCR+Q6sek8bf92,i=4096')).toThrow(/extension/);
  });

  it('never echoes the password in an error', async () => {
    const messages: string[] = [];
    for (const [first, final] of [['r=abcd,s=AA==,i=1', null], ['garbage', null], ['r=abcdef,s=AA==,i=4096', 'v=AAAA']]) {
      const c = new ScramClient('SCRAM-SHA-512', 'sha512', 'user', 's3cr3t-pw', 'abc');
      await c.start();
      try {
        c.respond(Buffer.from(first!));
        c.respond(Buffer.from(final!));
      } catch (err) {
        messages.push((err as Error).message);
      }
    }
    expect(messages).toHaveLength(3);
    for (const m of messages) expect(m).not.toContain('s3cr3t-pw');
  });
});

describe('SCRAM usernames', () => {
  it("escapes ',' and '=' as RFC 5802 saslname", async () => {
    expect(scramUsername('a,b=c')).toBe('a=2Cb=3Dc');
    const c = new ScramClient('SCRAM-SHA-256', 'sha256', 'a,b', 'p', 'n0nce');
    expect((await c.start()).toString()).toBe('n,,n=a=2Cb,r=n0nce');
  });

  it('makes a fresh random nonce for each exchange', async () => {
    const a = (await new ScramClient('SCRAM-SHA-256', 'sha256', 'u', 'p').start()).toString();
    const b = (await new ScramClient('SCRAM-SHA-256', 'sha256', 'u', 'p').start()).toString();
    expect(a).toMatch(/^n,,n=u,r=[A-Za-z0-9+/=]{32}$/);
    expect(a).not.toBe(b);
  });
});
