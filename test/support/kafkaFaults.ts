/**
 * What the fault tests on real Kafka (test/real-kafka/faults/) share beside faultRun.ts: the
 * producer settings issue 10 names for them, a replica assignment that makes one node the leader
 * of exactly half the partitions, and a watch on where the producer sends each partition.
 */
import type { Producer } from '../../src/producer/Producer';
import type { ProducerConfig } from '../../src/config/config';
import { newKafkaTopic, PARTITIONS } from './faultRun';
import type { KafkaCluster } from './KafkaCluster';

/** acks=all, idempotence on, 5 requests in flight per connection (Java's upper bound with idempotence). */
export const IDEMPOTENT_5: Partial<ProducerConfig> = { acks: 'all', idempotence: true, maxInFlight: 5 };

/**
 * Replicas by partition, preferred leader first: node 1 leads partitions 0, 1 and 2, node 2 leads
 * 3 and 5, node 3 leads 4. (TopicCommand alone would spread the leaders two per node.)
 */
export const HALF_LED_BY_1: number[][] = [
  [1, 2, 3],
  [1, 3, 2],
  [1, 2, 3],
  [2, 3, 1],
  [3, 1, 2],
  [2, 1, 3],
];

/** The partitions HALF_LED_BY_1 gives node 1. */
export const LED_BY_1 = [0, 1, 2];

/** A new 6-partition topic laid out as HALF_LED_BY_1, once each partition is led by its preferred leader. */
export async function topicHalfLedBy1(cluster: KafkaCluster, prefix: string): Promise<string> {
  const topic = await newKafkaTopic(cluster, prefix, { replicaAssignment: HALF_LED_BY_1 });
  const leaders = await cluster.leaders(topic);
  const preferred = HALF_LED_BY_1.map((replicas) => replicas[0]);
  if (leaders.join() !== preferred.join()) throw new Error(`topic ${topic}: leaders ${leaders.join()}, not the preferred ${preferred.join()}`);
  return topic;
}

/** Replicas by partition, preferred leader first: nodes 1 and 2 lead three each, node 3 none (a follower everywhere). */
export const NONE_LED_BY_3: number[][] = [
  [1, 2, 3],
  [2, 1, 3],
  [1, 2, 3],
  [2, 1, 3],
  [1, 2, 3],
  [2, 1, 3],
];

/**
 * Samples, every 100 ms until stop(), which node the producer's metadata names as each partition's
 * leader: proof that leadership really moved during a fault (the producer sent there), without
 * asking the cluster while it is in trouble.
 */
export function watchLeaders(producer: Producer, topic: string, partitions = PARTITIONS): { seen: (partition: number) => Set<number>; stop: () => void } {
  const seen: Array<Set<number>> = Array.from({ length: partitions }, () => new Set<number>());
  const sample = (): void => {
    for (let p = 0; p < partitions; p++) {
      const leader = producer.cluster.leaderFor(topic, p);
      if (leader !== undefined) seen[p].add(leader.nodeId);
    }
  };
  const timer = setInterval(sample, 100);
  return {
    seen: (p) => seen[p],
    stop: () => clearInterval(timer),
  };
}
