/**
 * Java itself as the reference for the CLI's parsers (JavaReference.java, run by the JVM and with
 * the kafka-clients jar of the suite's Kafka release): what `Properties.load` reads from files,
 * what Kafka's client reads from `sasl.jaas.config` values — in one format, which `entriesLines`
 * writes for rxkafka's side so that the two compare line for line.
 */
import { execFileSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { defaultKafkaVersion } from './KafkaCluster';

const JAVA_REFERENCE = path.join(__dirname, 'JavaReference.java');

/** Per input, Java's reading: `[key]=[value]` lines (jaas: after `module <class>`), or `['error']`. */
export function javaReads(mode: 'properties' | 'jaas', inputs: string[]): string[][] {
  const libs = path.resolve(__dirname, '..', '..', '.cache', 'kafka', defaultKafkaVersion(), 'libs');
  const classpath = fs.readdirSync(libs).filter((f) => f.endsWith('.jar')).map((f) => path.join(libs, f)).join(path.delimiter);
  const out = execFileSync('java', ['-cp', classpath, JAVA_REFERENCE, mode, ...inputs], {
    encoding: 'utf8',
    timeout: 120_000,
    maxBuffer: 64 << 20,
    stdio: ['ignore', 'pipe', 'ignore'],
  });
  return out.split('#input\n').slice(1).map((block) => block.split('\n').filter((l) => l !== ''));
}

/** Entries as JavaReference.java prints them: in key order (UTF-16 units, as TreeMap), escaped alike. */
export function entriesLines(entries: ReadonlyMap<string, string>): string[] {
  const escape = (s: string): string =>
    '[' + Array.from(s, (c) => (c.charCodeAt(0) < 32 || c.charCodeAt(0) > 126 || c === '\\' ? `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}` : c)).join('') + ']';
  return [...entries.keys()].sort().map((k) => `${escape(k)}=${escape(entries.get(k)!)}`);
}
