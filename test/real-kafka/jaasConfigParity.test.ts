// The CLI's sasl.jaas.config parser (src/cli/jaasConfig.ts) against Kafka's own (JaasConfig, run
// through JaasContext.loadClientContext from the kafka-clients jar of the suite's Kafka release):
// the same login module and options, or both refuse the value. Where Kafka refuses, rxkafka says
// why in its own words; where Kafka accepts, rxkafka must read exactly the same.
import { JaasConfigError, parseJaasConfig } from '../../src/cli/jaasConfig';
import { entriesLines, javaReads } from '../support/javaReference';

const VALUES = [
  'org.apache.kafka.common.security.plain.PlainLoginModule required username="app" password="s3cret";',
  'org.apache.kafka.common.security.scram.ScramLoginModule required username="app" password="pa55";',
  'M   REQUIRED\n\tusername=app\n  password = "a \\"q\\" b\\\\c;=" ;  ',
  "M required username='single' password='quote\\'s';",
  'M required /* a comment */ username="a"; // and another',
  'M required username="a\\tb\\101\\7\\0" password="\\q\\\\";',
  'M optional;',
  'M Sufficient u=_x v=$y w=x-1.2 z="";',
  'M required username="a" username="b";',
  'M required user-name_$x="v";',
  // Refused by both.
  "M required username='single' password='it''s';",
  'M required username=123;',
  'M required username=a@b;',
  'M required u={x};',
  'M required u="a\nb";',
  'M required u="a\\"',
  'M required; N required;',
  'M bogus u=x;',
  'M required u="x"',
  'M required u="x";;',
  '',
  'M required u=;',
  'M required u "x";',
];

/** What parseJaasConfig reads, as JavaReference.java prints Kafka's reading. */
function ours(text: string): string[] {
  try {
    const parsed = parseJaasConfig(text);
    return [`module ${parsed.loginModule}`, ...entriesLines(parsed.options)];
  } catch (err) {
    if (err instanceof JaasConfigError) return ['error'];
    throw err;
  }
}

test("reads sasl.jaas.config as Kafka's client does, and refuses what Kafka refuses", () => {
  const kafkaReads = javaReads('jaas', VALUES);
  expect(kafkaReads).toHaveLength(VALUES.length);
  expect(kafkaReads.filter((r) => r[0] === 'error')).toHaveLength(13);
  for (let i = 0; i < VALUES.length; i++) expect({ value: VALUES[i], reads: ours(VALUES[i]) }).toEqual({ value: VALUES[i], reads: kafkaReads[i] });
});
