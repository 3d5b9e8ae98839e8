/**
 * The soak's faults: the recoverable ones of issue 3's scenario list, one picked at random (seeded)
 * about every second. Each resolves once the cluster is healthy again. Left out on purpose: the
 * faults whose correct outcome is a failed record (non-retriable errors, brokers down for good,
 * close()) — in the soak every record must be delivered — and unsubscribing (test/faults/teardown).
 */
import { ApiKey, ErrorCode, MockCluster } from '../support/MockCluster';
import { BROKERS, PARTITIONS } from '../support/faultRun';
import { sleep } from '../support/wait';

export interface SoakFault {
  name: string;
  inject(cluster: MockCluster, topic: string, random: () => number): Promise<void>;
}

const RETRIABLE = [
  ErrorCode.NOT_LEADER_OR_FOLLOWER,
  ErrorCode.REQUEST_TIMED_OUT,
  ErrorCode.NOT_ENOUGH_REPLICAS,
  ErrorCode.NOT_ENOUGH_REPLICAS_AFTER_APPEND,
  ErrorCode.LEADER_NOT_AVAILABLE,
];

function pick<T>(list: readonly T[], random: () => number): T {
  return list[Math.floor(random() * list.length)];
}

function broker(random: () => number): number {
  return 1 + Math.floor(random() * BROKERS);
}

/** The soak's requestTimeoutMs: the slow-responses fault answers later than that. */
export const SOAK_REQUEST_TIMEOUT_MS = 2000;

export const SOAK_FAULTS: readonly SoakFault[] = [
  {
    name: 'retriable errors (1)',
    inject: (c, _t, random) => c.pushErrors(ApiKey.Produce, [0, 1, 2, 3].map(() => pick(RETRIABLE, random))),
  },
  {
    name: 'connections dropped (2)',
    inject: (c) => c.pushErrors(ApiKey.Produce, [ErrorCode.CLOSE_CONNECTION, ErrorCode.CLOSE_CONNECTION]),
  },
  {
    name: 'broker down 1-3 s (3)',
    inject: async (c, _t, random) => {
      const id = broker(random);
      await c.brokerDown(id);
      await sleep(1000 + random() * 2000);
      await c.brokerUp(id);
    },
  },
  {
    name: 'broker down, leaders move (3)',
    inject: async (c, topic, random) => {
      const id = broker(random);
      await c.brokerDown(id);
      for (let p = 0; p < PARTITIONS; p++) await c.setLeader(topic, p, ((id + (p % (BROKERS - 1))) % BROKERS) + 1);
      await sleep(1500);
      await c.brokerUp(id);
    },
  },
  {
    name: 'leaders move (4)',
    inject: async (c, topic, random) => {
      for (let k = 0; k < 3; k++) await c.setLeader(topic, Math.floor(random() * PARTITIONS), broker(random));
    },
  },
  {
    name: 'slow responses (5)',
    inject: async (c, _t, random) => {
      const id = broker(random);
      await c.setRtt(id, SOAK_REQUEST_TIMEOUT_MS + 500);
      await sleep(1500);
      await c.setRtt(id, 0);
    },
  },
  {
    name: 'all brokers down 1.5 s (6)',
    inject: async (c) => {
      for (let id = 1; id <= BROKERS; id++) await c.brokerDown(id);
      await sleep(1500);
      for (let id = 1; id <= BROKERS; id++) await c.brokerUp(id);
    },
  },
  {
    name: 'producer-state errors (8)',
    inject: (c, _t, random) =>
      c.pushErrors(ApiKey.Produce, [pick([ErrorCode.OUT_OF_ORDER_SEQUENCE_NUMBER, ErrorCode.UNKNOWN_PRODUCER_ID, ErrorCode.INVALID_PRODUCER_EPOCH], random)]),
  },
];
