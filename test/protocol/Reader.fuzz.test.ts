/**
 * Untrusted bytes: every response decoder, given a truncated or garbled body, must either decode
 * or throw ProtocolDecodeError — never a RangeError/TypeError, a huge allocation or a hang.
 */
import { ProtocolDecodeError } from '../../src/errors';
import type { Api } from '../../src/protocol/api';
import { ApiVersions } from '../../src/protocol/ApiVersions';
import { readResponseHeader } from '../../src/protocol/headers';
import { InitProducerId } from '../../src/protocol/InitProducerId';
import { Metadata } from '../../src/protocol/Metadata';
import { Produce } from '../../src/protocol/Produce';
import { Reader } from '../../src/protocol/Reader';
import { decodeRecordBatches, RecordBatchBuilder } from '../../src/protocol/RecordBatch';
import {
  encodeApiVersionsResponse,
  encodeInitProducerIdResponse,
  encodeMetadataResponse,
  encodeProduceResponse,
} from './responseEncoders';
import { seededRandom } from '../support/random';


type AnyApi = Api<unknown, unknown>;

function seeds(): [string, AnyApi, number, Buffer][] {
  const out: [string, AnyApi, number, Buffer][] = [];
  for (let v = 0; v <= 3; v++) {
    out.push([
      'ApiVersions',
      ApiVersions as AnyApi,
      v,
      encodeApiVersionsResponse(v, {
        errorCode: 0,
        apiKeys: Array.from({ length: 40 }, (_, i) => ({ apiKey: i, minVersion: 0, maxVersion: 3 + (i % 9) })),
        throttleTimeMs: 0,
      }),
    ]);
  }
  for (let v = 1; v <= 12; v++) {
    out.push([
      'Metadata',
      Metadata as AnyApi,
      v,
      encodeMetadataResponse(v, {
        throttleTimeMs: 0,
        brokers: [
          { nodeId: 1, host: 'broker-1', port: 9092, rack: 'r1' },
          { nodeId: 2, host: 'broker-2', port: 9092, rack: null },
        ],
        clusterId: 'c',
        controllerId: 1,
        topics: [
          {
            errorCode: 0,
            name: 'topic',
            topicId: Buffer.alloc(16, 7),
            isInternal: false,
            partitions: [
              { errorCode: 0, partitionIndex: 0, leaderId: 1, leaderEpoch: 3, replicaNodes: [1, 2], isrNodes: [1, 2], offlineReplicas: [] },
              { errorCode: 0, partitionIndex: 1, leaderId: 2, leaderEpoch: 3, replicaNodes: [2, 1], isrNodes: [2], offlineReplicas: [1] },
            ],
          },
        ],
      }),
    ]);
  }
  for (let v = 3; v <= 11; v++) {
    out.push([
      'Produce',
      Produce as AnyApi,
      v,
      encodeProduceResponse(v, {
        throttleTimeMs: 0,
        topics: [
          {
            name: 'topic',
            partitions: [
              { index: 0, errorCode: 0, baseOffset: 10n, logAppendTimeMs: -1n, logStartOffset: 0n, recordErrors: [], errorMessage: null },
              {
                index: 1,
                errorCode: 6,
                baseOffset: -1n,
                logAppendTimeMs: -1n,
                logStartOffset: -1n,
                recordErrors: [{ batchIndex: 1, message: 'm' }],
                errorMessage: 'e',
                currentLeader: { leaderId: 2, leaderEpoch: 4 },
              },
            ],
          },
        ],
        nodeEndpoints: [{ nodeId: 2, host: 'broker-2', port: 9092, rack: null }],
      }),
    ]);
  }
  for (let v = 0; v <= 4; v++) {
    out.push([
      'InitProducerId',
      InitProducerId as AnyApi,
      v,
      encodeInitProducerIdResponse(v, { throttleTimeMs: 0, errorCode: 0, producerId: 5n, producerEpoch: 0 }),
    ]);
  }
  return out;
}

/** Decodes and returns the error thrown, or null if the body decoded. */
function decodeError(api: AnyApi, version: number, body: Buffer): unknown {
  try {
    api.decodeResponse(new Reader(body), version);
    return null;
  } catch (err) {
    return err;
  }
}

describe('response decoders on untrusted bytes', () => {
  const cases = seeds();

  it.each(cases.map(([name, api, v, body]) => [`${name} v${v}`, api, v, body] as const))(
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

  it.each(cases.map(([name, api, v, body]) => [`${name} v${v}`, api, v, body] as const))(
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
