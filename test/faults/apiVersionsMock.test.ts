// The 2.12 test broker (librdkafka's mock with test/broker/apiversions.patch) answers an ApiVersions
// version it does not support as a Kafka broker does (KIP-511): in the v0 layout whatever version
// was asked, listing its ApiVersions range, so a client retries at that version. The stock mock's
// flexible answer made Kafka's Java client read a throttle of 1179648 ms and never connect.
// Proven with a raw ApiVersions exchange (no rxkafka code) and with Kafka's own Java producer
// (ProducerPerformance of the default Kafka release, test/kafka/kafka.sh: run test/kafka/setup.sh
// first), its records read back with kcat.
import * as net from 'node:net';
import { defaultKafkaVersion, kafkaTool } from '../support/KafkaCluster';
import { kcatConsume } from '../support/kcat';
import { MockCluster } from '../support/MockCluster';

const API_VERSIONS = 18;

/**
 * Sends one ApiVersions request of `version` (request header v2 from v3, as clients send it) and
 * resolves the response body: the bytes after the correlation id (the header is v0 for every
 * version).
 */
function apiVersionsExchange(broker: string, version: number): Promise<Buffer> {
  const [host, port] = broker.split(':');
  const clientId = Buffer.from('probe');
  const header = Buffer.alloc(8);
  header.writeInt16BE(API_VERSIONS, 0);
  header.writeInt16BE(version, 2);
  header.writeInt32BE(7, 4);
  const idLen = Buffer.alloc(2);
  idLen.writeInt16BE(clientId.length);
  const parts = [header, idLen, clientId];
  if (version >= 3) {
    parts.push(Buffer.from([0])); // header tagged fields
    parts.push(Buffer.from([6]), Buffer.from('probe'), Buffer.from([4]), Buffer.from('1.0')); // software name, version
    if (version >= 5) parts.push(Buffer.from([0]), Buffer.from([0xff, 0xff, 0xff, 0xff])); // cluster id null, node id -1
    parts.push(Buffer.from([0])); // body tagged fields
  }
  const body = Buffer.concat(parts);
  const size = Buffer.alloc(4);
  size.writeInt32BE(body.length);
  return new Promise((resolve, reject) => {
    const socket = net.connect(Number(port), host, () => socket.write(Buffer.concat([size, body])));
    let got = Buffer.alloc(0);
    socket.on('data', (d) => {
      got = Buffer.concat([got, d]);
      if (got.length >= 4 && got.length >= 4 + got.readInt32BE(0)) {
        socket.destroy();
        // Size, then the correlation id we sent.
        if (got.readInt32BE(4) !== 7) reject(new Error(`correlation id ${got.readInt32BE(4)}, expected 7`));
        else resolve(got.subarray(8, 4 + got.readInt32BE(0)));
      }
    });
    socket.on('error', reject);
    socket.on('close', () => reject(new Error(`${broker} closed the connection before answering ApiVersions v${version}`)));
  });
}

describe('ApiVersions on the 2.12 test broker', () => {
  let cluster: MockCluster;

  beforeAll(async () => {
    cluster = await MockCluster.start({ brokers: 1, version: '2.12' });
  });

  afterAll(async () => {
    await cluster?.stop();
  });

  it('answers a version above its max in the v0 layout, listing only its ApiVersions range', async () => {
    // error_code 35 UNSUPPORTED_VERSION, int32 count 1, [api_key 18, min 0, max 2], no throttle_time_ms.
    const v0Answer = Buffer.from('0023' + '00000001' + '0012' + '0000' + '0002', 'hex');
    for (const version of [3, 4, 5]) {
      expect((await apiVersionsExchange(cluster.brokers[0], version)).toString('hex')).toBe(v0Answer.toString('hex'));
    }
  });

  it('names the range `apiversion` set, and answers versions inside it as before', async () => {
    await cluster.setApiVersion(API_VERSIONS, 0, 1);
    try {
      const v2 = await apiVersionsExchange(cluster.brokers[0], 2);
      expect(v2.toString('hex')).toBe('0023' + '00000001' + '0012' + '0000' + '0001');
      const v1 = await apiVersionsExchange(cluster.brokers[0], 1);
      expect(v1.readInt16BE(0)).toBe(0);
      // v1: int32 count of 6-byte entries, then throttle_time_ms.
      expect(v1.length).toBe(2 + 4 + 6 * v1.readInt32BE(2) + 4);
    } finally {
      await cluster.setApiVersion(API_VERSIONS, 0, 2);
    }
  });
});

describe("Kafka's Java producer on the 2.12 test broker", () => {
  let cluster: MockCluster;

  beforeAll(async () => {
    cluster = await MockCluster.start({ brokers: 3, version: '2.12' });
  });

  afterAll(async () => {
    await cluster?.stop();
  });

  const RECORDS = 5000;

  /** Runs ProducerPerformance: `records` records of 100 bytes to a new 6-partition topic, unthrottled. */
  async function producerPerf(topic: string, records: number, props: string[], timeoutMs: number) {
    await cluster.createTopic(topic, 6, 3);
    // Without the patch every send() waits max.block.ms for Metadata that never comes: 30 s, not 60.
    const args = ['--topic', topic, '--num-records', String(records), '--record-size', '100', '--throughput', '-1',
      '--command-property', `bootstrap.servers=${cluster.bootstrap}`, 'max.block.ms=30000', ...props];
    return kafkaTool(defaultKafkaVersion(), 'producer-perf', args, { timeoutMs });
  }

  /** ProducerPerformance's summary up to its first comma ("N records sent"), else its stdout's end. */
  const sent = (stdout: string) => /^(\d+ records sent),/m.exec(stdout)?.[1] ?? stdout.slice(-500);

  it('gets past ApiVersions: one record sent', async () => {
    // Against the stock mock: "0 records sent" once max.block.ms is over. (Its log, "Connection to
    // node -1 is throttled for 1179648 ms", is lost here: the tools' log4j file appender cannot open
    // /dev/stderr when that is the socket node gives a child.)
    const r = await producerPerf('java-connect', 1, ['acks=1'], 100_000);
    expect({ code: r.code, sent: sent(r.stdout) }).toEqual({ code: 0, sent: '1 records sent' });
  });

  async function javaProduces(topic: string, props: string[]): Promise<void> {
    const r = await producerPerf(topic, RECORDS, props, 100_000);
    expect({ code: r.code, sent: sent(r.stdout) }).toEqual({ code: 0, sent: `${RECORDS} records sent` });
    expect(await kcatConsume(cluster.bootstrap, topic)).toHaveLength(RECORDS);
  }

  it('produces with acks=all and idempotence (the strict broker checks its sequences)', async () => {
    await javaProduces('java-idempotent', ['acks=all', 'enable.idempotence=true']);
  });

  it('produces with acks=1, idempotence off', async () => {
    await javaProduces('java-acks1', ['acks=1', 'enable.idempotence=false']);
  });
});
