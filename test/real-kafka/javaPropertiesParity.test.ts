// The properties parser of the CLI (src/cli/javaProperties.ts) against Java's own
// Properties.load, run by the JVM the Kafka tests use: hand-written files of every rule, then
// 400 seeded random files of separators, blanks, backslashes, comment marks and line ends.
// Both must read the same keys and values, or both refuse the file (a malformed \uXXXX).
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { parseJavaProperties, PropertiesSyntaxError } from '../../src/cli/javaProperties';
import { entriesLines, javaReads } from '../support/javaReference';
import { seededRandom } from '../support/random';

/** What parseJavaProperties reads, as JavaReference.java prints Java's reading. */
function ours(text: string): string[] {
  try {
    return entriesLines(new Map(parseJavaProperties(text).map((e) => [e.key, e.value])));
  } catch (err) {
    if (err instanceof PropertiesSyntaxError) return ['error'];
    throw err;
  }
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
    const java = javaReads('properties', files);
    expect(java).toHaveLength(texts.length);
    // Some files must be refused and some read, or the corpus tests little.
    expect(java.filter((r) => r[0] === 'error').length).toBeGreaterThan(5);
    expect(java.filter((r) => r.length > 2).length).toBeGreaterThan(50);
    for (let i = 0; i < texts.length; i++) expect({ text: texts[i], reads: ours(texts[i]) }).toEqual({ text: texts[i], reads: java[i] });
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
});
