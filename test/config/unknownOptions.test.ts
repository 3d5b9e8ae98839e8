// Options rxkafka does not know: a misspelling gets the closest name, in the user's style; a Java
// option with another shape here, or one not implemented, says what to do instead.
import { brokers, configError } from './resolveConfigHelpers';

describe('resolveConfig', () => {
  describe('unknown options', () => {
    it.each([
      ['lingerMS', 'lingerMs'],
      ['linger_ms', 'lingerMs'],
      ['batchsize', 'batchSize'],
      ['broker', 'brokers'],
      ['bootstrap.server', 'bootstrap.servers'],
      ['max.inflight.requests.per.connection', 'max.in.flight.requests.per.connection'],
      ['idempotent', 'idempotence'],
      ['enable.idempotency', 'enable.idempotence'],
      ['deliveryTimeout', 'deliveryTimeoutMs'],
    ])('%s → suggests %s', (name, suggestion) => {
      const err = configError({ brokers, [name]: 1 });
      expect(err.option).toBe(name);
      expect(err.message).toBe(`invalid producer option '${name}': is not a producer option; did you mean '${suggestion}'?`);
    });

    it('says when nothing is close', () => {
      expect(configError({ brokers, frobnicate: 1 }).message).toBe(
        "invalid producer option 'frobnicate': is not a producer option; see ProducerConfig for the options rxkafka knows",
      );
    });

    it.each([
      ['security.protocol', 'SSL', /is not supported: rxkafka takes TLS and SASL settings as objects, not Java properties: ssl: true \| \{ ca, cert/],
      ['ssl.truststore.location', '/etc/ts.jks', /\(PEM contents, not keystores\)/],
      ['sasl.jaas.config', 'x', /sasl: \{ mechanism: 'scram-sha-512', username, password \}/],
      ['partitioner.ignore.keys', 'true', /built-in partitioner is Java's default .* pass your own partitioner/],
      ['metadata.max.idle.ms', '300000', /^invalid producer option 'metadata.max.idle.ms': is a Java producer option that rxkafka does not implement: remove it$/],
      ['send.buffer.bytes', '131072', /is a Java producer option that rxkafka does not implement/],
    ])('says a Java option rxkafka lacks is unsupported (%s), rather than guessing a near name', (name, value, message) => {
      const err = configError({ brokers, [name]: value });
      expect(err.option).toBe(name);
      expect(err.message).toMatch(message);
      expect(err.message).not.toMatch(/did you mean/);
    });

    it('points Java class options to their rxkafka form', () => {
      expect(configError({ brokers, 'value.serializer': 'org.apache.kafka.common.serialization.StringSerializer' }).message).toMatch(
        /rxkafka takes functions, not classes: serializers: \{ value: serializers.json \}/,
      );
      expect(configError({ brokers, 'partitioner.class': 'x' }).message).toMatch(/partitioner: \(record, numPartitions\) => partition/);
    });
  });
});
