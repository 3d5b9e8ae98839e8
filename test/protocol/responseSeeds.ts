/**
 * One valid response body per (API, version) rxkafka decodes, with non-empty arrays, strings and
 * tagged fields where the version has them: the starting points of the decoder fuzz tests.
 */
import type { Api } from '../../src/protocol/api';
import { AddOffsetsToTxn } from '../../src/protocol/AddOffsetsToTxn';
import { AddPartitionsToTxn } from '../../src/protocol/AddPartitionsToTxn';
import { ApiVersions } from '../../src/protocol/ApiVersions';
import { EndTxn } from '../../src/protocol/EndTxn';
import { FindCoordinator } from '../../src/protocol/FindCoordinator';
import { InitProducerId } from '../../src/protocol/InitProducerId';
import { Metadata } from '../../src/protocol/Metadata';
import { Produce } from '../../src/protocol/Produce';
import { Reader } from '../../src/protocol/Reader';
import { TxnOffsetCommit } from '../../src/protocol/TxnOffsetCommit';
import {
  encodeApiVersionsResponse,
  encodeFindCoordinatorResponse,
  encodeInitProducerIdResponse,
  encodeMetadataResponse,
  encodeProduceResponse,
  encodeTxnErrorResponse,
  encodeTxnPartitionsResponse,
} from './responseEncoders';

export type AnyApi = Api<unknown, unknown>;

export interface ResponseSeed {
  /** e.g. 'Metadata v12'. */
  label: string;
  api: AnyApi;
  version: number;
  body: Buffer;
}

function apiVersionsBody(v: number): Buffer {
  return encodeApiVersionsResponse(v, {
    errorCode: 0,
    apiKeys: Array.from({ length: 40 }, (_, i) => ({ apiKey: i, minVersion: 0, maxVersion: 3 + (i % 9) })),
    throttleTimeMs: 0,
  });
}

function metadataBody(v: number): Buffer {
  return encodeMetadataResponse(v, {
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
  });
}

function produceBody(v: number): Buffer {
  return encodeProduceResponse(v, {
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
  });
}

function initProducerIdBody(v: number): Buffer {
  return encodeInitProducerIdResponse(v, { throttleTimeMs: 0, errorCode: 0, producerId: 5n, producerEpoch: 0 });
}

function findCoordinatorBody(v: number): Buffer {
  return encodeFindCoordinatorResponse(v, { throttleTimeMs: 0, errorCode: 0, errorMessage: 'm', nodeId: 1, host: 'broker-1', port: 9092 });
}

function txnErrorBody(v: number): Buffer {
  return encodeTxnErrorResponse(v, { throttleTimeMs: 0, errorCode: 0 });
}

function txnPartitionsBody(v: number): Buffer {
  return encodeTxnPartitionsResponse(v, {
    throttleTimeMs: 0,
    topics: [{ name: 'topic', partitions: [{ partitionIndex: 0, errorCode: 0 }, { partitionIndex: 1, errorCode: 51 }] }],
  });
}

/** Every version of every response decoder, each with a body that decodes. */
export function responseSeeds(): ResponseSeed[] {
  const out: ResponseSeed[] = [];
  const add = (api: AnyApi, body: (v: number) => Buffer): void => {
    for (let v = api.minVersion; v <= api.maxVersion; v++) out.push({ label: `${api.name} v${v}`, api, version: v, body: body(v) });
  };
  add(ApiVersions as AnyApi, apiVersionsBody);
  add(Metadata as AnyApi, metadataBody);
  add(Produce as AnyApi, produceBody);
  add(InitProducerId as AnyApi, initProducerIdBody);
  add(FindCoordinator as AnyApi, findCoordinatorBody);
  add(AddPartitionsToTxn as AnyApi, txnPartitionsBody);
  add(AddOffsetsToTxn as AnyApi, txnErrorBody);
  add(TxnOffsetCommit as AnyApi, txnPartitionsBody);
  add(EndTxn as AnyApi, txnErrorBody);
  return out;
}

/** Decodes `body` and returns the error thrown, or null if it decoded. */
export function decodeError(api: AnyApi, version: number, body: Buffer): unknown {
  try {
    api.decodeResponse(new Reader(body), version);
    return null;
  } catch (err) {
    return err;
  }
}
