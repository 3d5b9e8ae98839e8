// examples/rxjs-app on Apache Kafka, run as its users run it: a hot source pushing readings
// through pipe(toKafka()) with bufferPolicy 'drop-newest'. The broker is paused for a while: the
// app keeps running, drops what does not fit in its (small) bufferMemory and says so on its live
// line (with the producer's free buffer, from toKafka's onProducer), and acks again once the
// broker is back. SIGINT: exit 0 with a summary whose acked
// readings are exactly what the topic holds, every reading accounted for.
import { kafkaClusterFixture } from '../../support/kafkaFixture';
import { kcatConsume } from '../../support/kcat';
import { lastJson, startExample } from '../../support/exampleProcess';
import { sleep } from '../../support/wait';

const fixture = kafkaClusterFixture('rxjs-app', { nodes: 1, brokerConfig: { 'broker.session.timeout.ms': 60_000 } });

interface Summary {
  emitted: number;
  acked: number;
  dropped: number;
  failed: number;
}

/** The live line's counters, from its last line on stderr (freePercent: the producer's metrics). */
function lastCounts(lines: string[]): { acked: number; dropped: number; freePercent: number | null } {
  for (let i = lines.length - 1; i >= 0; i--) {
    const m = /acked ([\d,]+) .*dropped ([\d,]+)/.exec(lines[i]);
    const free = /buffer free (\d+)%/.exec(lines[i]);
    if (m) return { acked: Number(m[1].replace(/,/g, '')), dropped: Number(m[2].replace(/,/g, '')), freePercent: free ? Number(free[1]) : null };
  }
  return { acked: 0, dropped: 0, freePercent: null };
}

async function until(ok: () => boolean, what: string, timeoutMs = 120_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!ok()) {
    if (Date.now() > deadline) throw new Error(`${what}: not within ${timeoutMs} ms`);
    await sleep(100);
  }
}

it('a hot source through pipe(toKafka()): drops while the broker is paused, acks after, SIGINT exits 0 and the acked readings are on the topic', async () => {
  const kafka = fixture.cluster;
  const topic = await fixture.newTopic(6);
  const app = startExample('examples/rxjs-app/app.js', { KAFKA_BROKERS: kafka.bootstrap, TOPIC: topic, RATE: '2000', BUFFER_MEMORY: String(256 * 1024) });
  try {
    await until(() => lastCounts(app.stderr).acked >= 4000, 'readings acked');

    kafka.pause(1);
    try {
      const atPause = lastCounts(app.stderr);
      await until(() => lastCounts(app.stderr).dropped > atPause.dropped + 1000, 'readings dropped while the broker is paused');
      // The operator's producer (onProducer → metrics()) shows why: its buffer is (nearly) full.
      expect(lastCounts(app.stderr).freePercent).toBeLessThan(50);
    } finally {
      kafka.resume(1);
    }
    const atResume = lastCounts(app.stderr);
    await until(() => lastCounts(app.stderr).acked >= atResume.acked + 4000, 'readings acked after the resume');

    app.signal('SIGINT');
    expect(await app.exited).toEqual({ code: 0, signal: null });
    const summary = lastJson<Summary>(app.stdout, 'summary')!;
    expect(summary.failed).toBe(0);
    expect(summary.dropped).toBeGreaterThan(0);
    expect(summary.acked + summary.dropped + summary.failed).toBe(summary.emitted);

    const onTopic = await kcatConsume(kafka.liveBootstrap(), topic, { timeoutMs: 120_000 });
    const seqs = new Set(onTopic.map((r) => (JSON.parse(r.value!) as { seq: number }).seq));
    expect(seqs.size).toBe(onTopic.length);
    expect(onTopic.length).toBe(summary.acked);
  } finally {
    app.child.kill('SIGKILL');
  }
}, 600_000);
