// The properties parser of the CLI (src/cli/javaProperties.ts) against Java's own
// Properties.load, run by the JVM the Kafka tests use: hand-written files of every rule, then
// 400 seeded random files of separators, blanks, backslashes, comment marks and line ends.
// Both must read the same keys and values, or both refuse the file (a malformed \uXXXX).
import { execFileSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { parseJavaProperties, PropertiesSyntaxError } from '../../src/cli/javaProperties';
import { seededRandom } from '../support/random';

const JAVA_DUMP = path.join(__dirname, '..', 'support', 'PropertiesDump.java');

/** What Properties.load reads, in PropertiesDump.java's format. */
function dumpOurs(text: string): string[] {
  let entries;
  try {
    entries = parseJavaProperties(text);
  } catch (err) {
    if (err instanceof PropertiesSyntaxError) return ['error IllegalArgumentException'];
    throw err;
  }
  const last = new Map<string, string>();
  for (const e of entries) last.set(e.key, e.value);
  const escape = (s: string): string =>
    '[' + Array.from(s, (c) => (c.charCodeAt(0) < 32 || c.charCodeAt(0) > 126 || c === '\\' ? `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}` : c)).join('') + ']';
  // TreeMap's order: UTF-16 code units, as JavaScript's default sort.
  return [...last.keys()].sort().map((k) => `${escape(k)}=${escape(last.get(k)!)}`);
}

const HAND_WRITTEN = [
  'a=1\nb: 2\nc 3\nd = 4\ne\t:\t5\nf  =  =6\n',
  '# a comment\n  ! another\n\n   \t\nurl=http://h/#frag\n',
  '   k = v  \nalone\nempty=\n',
  'sasl.jaas.config=M required \\\n    username="app" \\\n    password="pw";\nnext=1\n',
  'path=C:\\\\dir\\\\\nnext=1\n',
  'a=x\\\n  #y\n# c \\\nb=2\n',
  'a=x\\\n\nb=y\\',
  'a=1\r\nb=2\rc=3\n',
  'k\\=ey\\:x\\ y=a\\tb\\nc\\rd\\fe\\u00e9\\u20AC\\\\\\q\\#\n',
  'a\\ b = c\n',
  'a=1\nb=2\na=3\n',
  'b=\\\n  x\\u12g4\n',
  'c=\\u12',
  '\\\n=v\n',
  ':\n=\n \\ \n',
  // A lone backslash: continues into a comment, or into the end of the file (an empty key).
  '\\\n#c\\\nk=v\n',
  '\\\n  \\\n!c\nk=v\\\n',
  'a=1\n\\',
  '  \\\n',
  '\\\n\n',
];

/** A random file from the characters that matter to the format. */
function randomText(random: () => number): string {
  const pieces = ['a', 'b', 'k1', '=', ':', ' ', '\t', '\f', '\\', '\\\\', '#', '!', '\n', '\r', '\r\n', '\\u0041', '\\u00e9', '\\u12', 'x.y'];
  let s = '';
  const n = 1 + Math.floor(random() * 40);
  for (let i = 0; i < n; i++) s += pieces[Math.floor(random() * pieces.length)];
  return s;
}

test('reads what java.util.Properties.load reads: hand-written files, then 400 seeded random ones', () => {
  const random = seededRandom(13);
  const texts = [...HAND_WRITTEN, ...Array.from({ length: 400 }, () => randomText(random))];
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'rxkafka-props-parity-'));
  try {
    const files = texts.map((t, i) => {
      const f = path.join(dir, `${i}.properties`);
      fs.writeFileSync(f, t, 'latin1');
      return f;
    });
    const out = execFileSync('java', [JAVA_DUMP, ...files], { encoding: 'utf8', timeout: 120_000, maxBuffer: 64 << 20 });
    const javaReads = out.split('#file ').slice(1).map((block) => block.split('\n').slice(1).filter((l) => l !== ''));
    expect(javaReads).toHaveLength(texts.length);
    // Some files must be refused and some read, or the corpus tests little.
    expect(javaReads.filter((r) => r[0] === 'error IllegalArgumentException').length).toBeGreaterThan(5);
    expect(javaReads.filter((r) => r.length > 2).length).toBeGreaterThan(50);
    for (let i = 0; i < texts.length; i++) expect({ text: texts[i], reads: dumpOurs(texts[i]) }).toEqual({ text: texts[i], reads: javaReads[i] });
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
});
