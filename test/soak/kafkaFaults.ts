/**
 * The soak's faults on real Kafka (`npm run soak -- --kafka`): what a 3-node cluster really
 * suffers, one picked at random (seeded) about every second, each on a random node. Each resolves
 * once the node is back and every partition of the topic being written has its three replicas in
 * sync again, so that faults never pile up into a lost min.insync.replicas or an offline
 * partition: every record must still be delivered.
 */
import type { KafkaCluster } from '../support/KafkaCluster';
import { sleep } from '../support/wait';

export interface KafkaSoakFault {
  name: string;
  inject(cluster: KafkaCluster, topic: string, random: () => number): Promise<void>;
}

/** The soak's requestTimeoutMs on Kafka, as on the mock: a pause longer than this times requests out. */
export const KAFKA_SOAK_REQUEST_TIMEOUT_MS = 2000;

function node(cluster: KafkaCluster, random: () => number): number {
  return 1 + Math.floor(random() * cluster.nodes);
}

/** Waits for the topic's replicas to be in sync again (generous: a restarted node replays its log first). */
function inSync(cluster: KafkaCluster, topic: string): Promise<void> {
  return cluster.waitForFullIsr(topic, 180_000);
}

export const KAFKA_SOAK_FAULTS: readonly KafkaSoakFault[] = [
  {
    // Its sockets close at once; its leaderships move once the controller fences it (broker.session.timeout.ms).
    name: 'kill -9, restarted after 1-3 s',
    inject: async (c, topic, random) => {
      const id = node(c, random);
      await c.kill(id);
      await sleep(1000 + random() * 2000);
      await c.restart(id);
      await inSync(c, topic);
    },
  },
  {
    // Longer than requestTimeoutMs, shorter than the session timeout: slow, not fenced.
    name: 'SIGSTOP 1-5 s, SIGCONT',
    inject: async (c, topic, random) => {
      const id = node(c, random);
      c.pause(id);
      await sleep(1000 + random() * 4000);
      c.resume(id);
      await inSync(c, topic);
    },
  },
  {
    // A controlled shutdown: leaderships handed over first (NOT_LEADER_OR_FOLLOWER), then a restart.
    name: 'clean stop, restarted',
    inject: async (c, topic, random) => {
      const id = node(c, random);
      await c.stopNode(id);
      await c.restart(id);
      await inSync(c, topic);
    },
  },
];
