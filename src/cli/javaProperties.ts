/**
 * The java.util.Properties text format (`Properties.load`), which Kafka's tools read for
 * `--producer.config`: one `key=value`, `key: value` or `key value` per logical line; `#` or `!`
 * first on a (logical) line makes it a comment; a line ending in an odd number of backslashes continues on
 * the next (whose leading white space is dropped); `\t \n \r \f \uXXXX` are escapes and any other
 * `\c` is `c` (so `\\`, `\=`, `\:`, `\ `, `\#`). A later key replaces an earlier one, as in Java.
 *
 * Java's only syntax error is a malformed `\uXXXX`; it is one here too, with its line. Checked
 * against Java's own Properties.load on hand-written and random files
 * (test/real-kafka/javaPropertiesParity.test.ts).
 */

/** One property, with the line (1-based) where its logical line starts, for messages. */
export interface PropertyEntry {
  readonly key: string;
  readonly value: string;
  readonly line: number;
}

/** A line Java's Properties.load would reject too. */
export class PropertiesSyntaxError extends Error {
  constructor(
    readonly line: number,
    detail: string,
  ) {
    super(detail);
  }
}

/** White space as Properties.load has it: space, tab, form feed. */
function isBlank(c: string): boolean {
  return c === ' ' || c === '\t' || c === '\f';
}

/**
 * The natural lines of `text` (ends: \n, \r or \r\n), with their 1-based numbers. A final line
 * end ends the last line: it does not start an empty one (that matters after a continuation).
 */
function naturalLines(text: string): Array<{ text: string; line: number }> {
  const lines = text.split(/\r\n|\r|\n/);
  if (lines[lines.length - 1] === '') lines.pop();
  return lines.map((t, i) => ({ text: t, line: i + 1 }));
}

/** Does `s` end in an odd number of backslashes (a continuation)? */
function continues(s: string): boolean {
  let n = 0;
  for (let i = s.length - 1; i >= 0 && s[i] === '\\'; i--) n++;
  return n % 2 === 1;
}

/**
 * The logical lines: continuations joined, each natural line's leading white space dropped.
 * As in Java 9+'s LineReader, a `#` or `!` is a comment wherever the logical line is still
 * empty — also on a line continued from a lone backslash — and a comment never continues; an
 * empty logical line is dropped, except one the file ends in the middle of (Java reads `\` alone
 * at the end as an empty key).
 */
function logicalLines(text: string): Array<{ text: string; line: number }> {
  const out: Array<{ text: string; line: number }> = [];
  /** The logical line so far, its continuation backslashes removed. */
  let joined = '';
  /** The natural line where `joined` starts. */
  let start = 0;
  /** The last natural line ended in a continuation. */
  let continuing = false;
  for (const { text: natural, line } of naturalLines(text)) {
    const s = natural.slice(skipBlanks(natural, 0));
    if (joined === '' && (s[0] === '#' || s[0] === '!')) {
      continuing = false;
      continue;
    }
    if (joined === '') start = line;
    joined += s;
    continuing = continues(joined);
    if (continuing) {
      joined = joined.slice(0, -1);
      continue;
    }
    if (joined !== '') out.push({ text: joined, line: start });
    joined = '';
  }
  if (continuing) out.push({ text: joined, line: start });
  return out;
}

function skipBlanks(s: string, from: number): number {
  let i = from;
  while (i < s.length && isBlank(s[i])) i++;
  return i;
}

/** Where the key of a logical line ends: the first unescaped `=`, `:` or white space. */
function keyEnd(s: string): number {
  for (let i = 0; i < s.length; i++) {
    const c = s[i];
    if (c === '\\') i++;
    else if (c === '=' || c === ':' || isBlank(c)) return i;
  }
  return s.length;
}

const ESCAPES: Readonly<Record<string, string>> = { t: '\t', n: '\n', r: '\r', f: '\f' };

/** `s` with its escapes resolved; a malformed `\uXXXX` is a PropertiesSyntaxError at `line`. */
function unescape(s: string, line: number): string {
  if (!s.includes('\\')) return s;
  let out = '';
  for (let i = 0; i < s.length; i++) {
    const c = s[i];
    if (c !== '\\') {
      out += c;
      continue;
    }
    if (++i === s.length) break;
    const e = s[i];
    if (e === 'u') {
      const hex = s.slice(i + 1, i + 5);
      if (!/^[0-9a-fA-F]{4}$/.test(hex)) {
        throw new PropertiesSyntaxError(line, `malformed \\uXXXX escape '\\u${hex}': it needs 4 hexadecimal digits (write a backslash as \\\\)`);
      }
      out += String.fromCharCode(parseInt(hex, 16));
      i += 4;
    } else {
      out += ESCAPES[e] ?? e;
    }
  }
  return out;
}

/** The properties of `text`, in file order (a key given twice appears twice; the last one counts). */
export function parseJavaProperties(text: string): PropertyEntry[] {
  const entries: PropertyEntry[] = [];
  for (const { text: s, line } of logicalLines(text)) {
    const end = keyEnd(s);
    let valueStart = skipBlanks(s, end);
    // One '=' or ':' may follow the key (after white space), then white space before the value.
    if (valueStart < s.length && (s[valueStart] === '=' || s[valueStart] === ':')) valueStart = skipBlanks(s, valueStart + 1);
    entries.push({ key: unescape(s.slice(0, end), line), value: unescape(s.slice(valueStart), line), line });
  }
  return entries;
}

/**
 * The text of a properties file's bytes: UTF-8 when they are valid UTF-8 (what editors write
 * today), else ISO-8859-1, which is what Java's Properties.load(InputStream) reads.
 */
export function propertiesText(bytes: Buffer): string {
  try {
    return new TextDecoder('utf-8', { fatal: true, ignoreBOM: false }).decode(bytes);
  } catch {
    return bytes.toString('latin1');
  }
}
