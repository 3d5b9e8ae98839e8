/**
 * Untrusted bytes: every response decoder, given a truncated or garbled body, must either decode
 * or throw ProtocolDecodeError — never a RangeError/TypeError, a huge allocation or a hang.
 */
import { ProtocolDecodeError } from '../../src/errors';
import { readResponseHeader } from '../../src/protocol/headers';
import { Reader } from '../../src/protocol/Reader';
import { RecordBatchBuilder } from '../../src/protocol/RecordBatch';
import { decodeRecordBatches } from '../../src/protocol/RecordBatchDecoder';
import { decodeError, responseSeeds } from './responseSeeds';
import { seededRandom } from '../support/random';

describe('response decoders on untrusted bytes', () => {
  const cases = responseSeeds().map((s) => [s.label, s.api, s.version, s.body] as const);

  it.each(cases)(
    '%s: the seed decodes and every truncation throws ProtocolDecodeError',
    (_label, api, version, body) => {
      expect(decodeError(api, version, body)).toBeNull();
      for (let n = 0; n < body.length; n++) {
        const err = decodeError(api, version, Buffer.from(body.subarray(0, n)));
        if (!(err instanceof ProtocolDecodeError)) {
          throw new Error(`truncation to ${n} of ${body.length} bytes gave ${err === null ? 'a result' : String(err)}`);
        }
      }
    },
  );

  it.each(cases)(
    '%s: random mutations and garbage decode or throw ProtocolDecodeError',
    (_label, api, version, body) => {
      const random = seededRandom(body.length * 31 + version);
      for (let i = 0; i < 1500; i++) {
        let input: Buffer;
        if (i % 3 === 0) {
          // pure garbage, of random length
          input = Buffer.alloc(Math.floor(random() * 300));
          for (let j = 0; j < input.length; j++) input[j] = Math.floor(random() * 256);
        } else {
          // the valid body with a few bytes overwritten (gets past the first fields)
          input = Buffer.from(body);
          const flips = 1 + Math.floor(random() * 4);
          for (let f = 0; f < flips; f++) {
            const value = random() < 0.3 ? 0xff : Math.floor(random() * 256);
            input[Math.floor(random() * input.length)] = value;
          }
        }
        const err = decodeError(api, version, input);
        if (err !== null && !(err instanceof ProtocolDecodeError)) {
          throw new Error(`input ${input.toString('hex')} gave ${String(err)}`);
        }
      }
    },
  );

  it('response headers: truncations and garbage throw ProtocolDecodeError', () => {
    const random = seededRandom(7);
    for (let i = 0; i < 2000; i++) {
      const input = Buffer.alloc(Math.floor(random() * 12));
      for (let j = 0; j < input.length; j++) input[j] = Math.floor(random() * 256);
      for (const headerVersion of [0, 1] as const) {
        try {
          readResponseHeader(new Reader(input), headerVersion);
        } catch (err) {
          expect(err).toBeInstanceOf(ProtocolDecodeError);
        }
      }
    }
  });

  it('record batches: mutations decode or throw ProtocolDecodeError', () => {
    const b = new RecordBatchBuilder(Buffer.alloc(512), 0);
    b.append(1, Buffer.from('key'), Buffer.from('value'), [{ key: 'h', value: Buffer.from('x') }]);
    b.append(-5, null, Buffer.from('v2'), null);
    const batch = Buffer.from(b.bytes());
    const random = seededRandom(11);
    for (let i = 0; i < 3000; i++) {
      const input = Buffer.from(batch);
      input[Math.floor(random() * input.length)] = Math.floor(random() * 256);
      try {
        decodeRecordBatches(input);
      } catch (err) {
        if (!(err instanceof ProtocolDecodeError)) throw new Error(`input ${input.toString('hex')} gave ${String(err)}`);
      }
    }
  });
});
