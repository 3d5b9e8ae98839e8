/**
 * The value of `sasl.jaas.config`, as Kafka's JaasConfig reads it (a java.io.StreamTokenizer):
 * one login module,
 *
 *   <login module class> <required|requisite|sufficient|optional> [name=value …] ;
 *
 * a value quoted ("…" or '…', with `\"`, `\\`, `\n`-style and octal escapes, on one line) or a
 * bare word (a letter, `_` or `$` first: Kafka reads a bare number as no value); `/* … *\/` and
 * `// …` comments; an option given twice keeps its last value. Checked against Kafka's own
 * parser (test/real-kafka/jaasConfigParity.test.ts). The value holds a password: messages say
 * what is wrong and where, never quote the text.
 */

/** A parsed login module: its class and its options. */
export interface JaasLoginModule {
  readonly loginModule: string;
  readonly options: ReadonlyMap<string, string>;
}

/** What is wrong with a sasl.jaas.config value (never showing it). */
export class JaasConfigError extends Error {}

const FLAGS = ['required', 'requisite', 'sufficient', 'optional'];
const SHAPE = 'org.apache.kafka.common.security.scram.ScramLoginModule required username="app" password="…";';
/** What may start a bare word, and what may follow in it. */
const WORD_START = /[A-Za-z_$\u00a0-\u00ff]/;
const WORD = /[A-Za-z0-9_.$\-\u00a0-\u00ff]/;
const ESCAPES: Readonly<Record<string, string>> = { a: '\x07', b: '\b', f: '\f', n: '\n', r: '\r', t: '\t', v: '\v' };

export function parseJaasConfig(text: string): JaasLoginModule {
  let i = 0;
  /** Skips white space and comments. */
  const skipSpace = (): void => {
    for (;;) {
      while (i < text.length && /\s/.test(text[i])) i++;
      if (text.startsWith('//', i)) {
        while (i < text.length && text[i] !== '\n' && text[i] !== '\r') i++;
      } else if (text.startsWith('/*', i)) {
        const end = text.indexOf('*/', i + 2);
        if (end < 0) throw new JaasConfigError("a '/*' comment has no closing '*/'");
        i = end + 2;
      } else {
        return;
      }
    }
  };
  const word = (what: string): string => {
    skipSpace();
    const start = i;
    if (i < text.length && WORD_START.test(text[i])) while (i < text.length && WORD.test(text[i])) i++;
    if (i === start) throw new JaasConfigError(`expected ${what} at character ${i + 1}; the shape is ${SHAPE}`);
    return text.slice(start, i);
  };
  const quoted = (name: string): string => {
    const quote = text[i];
    let out = '';
    for (i++; i < text.length; i++) {
      const c = text[i];
      if (c === quote) {
        i++;
        return out;
      }
      if (c === '\n' || c === '\r') break;
      if (c !== '\\' || i + 1 === text.length) {
        out += c;
        continue;
      }
      const e = text[++i];
      const octal = /^[0-3][0-7]{0,2}|^[4-7][0-7]?/.exec(text.slice(i, i + 3));
      if (octal !== null) {
        out += String.fromCharCode(parseInt(octal[0], 8));
        i += octal[0].length - 1;
      } else {
        out += ESCAPES[e] ?? e;
      }
    }
    throw new JaasConfigError(`the value of ${name} has no closing ${quote} on its line`);
  };

  const loginModule = word('the login module class');
  const flag = word(`a control flag (${FLAGS.join(', ')}) after the login module`);
  if (!FLAGS.includes(flag.toLowerCase())) throw new JaasConfigError(`the control flag must be one of ${FLAGS.join(', ')}, got '${flag}'`);
  const options = new Map<string, string>();
  for (;;) {
    skipSpace();
    if (i === text.length) throw new JaasConfigError(`it must end with ';'; the shape is ${SHAPE}`);
    if (text[i] === ';') break;
    const name = word('an option name (name="value") or the closing \';\'');
    skipSpace();
    if (text[i] !== '=') throw new JaasConfigError(`option ${name} needs '=' and a value, e.g. ${name}="…"`);
    i++;
    skipSpace();
    if (text[i] === '"' || text[i] === "'") options.set(name, quoted(name));
    else if (i < text.length && !WORD_START.test(text[i])) throw new JaasConfigError(`the value of ${name} must be quoted (a bare value starts with a letter): ${name}="…"`);
    else options.set(name, word(`the value of ${name}`));
  }
  i++;
  skipSpace();
  if (i < text.length) throw new JaasConfigError('holds more than one login module: a client has one (only the first ends with \';\')');
  return { loginModule, options };
}
