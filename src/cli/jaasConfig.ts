/**
 * The value of `sasl.jaas.config`, as Kafka's JaasConfig reads it: one login module,
 *
 *   <login module class> <required|requisite|sufficient|optional> [name=value …] ;
 *
 * a value quoted ("…", with `\"` and `\\` and the usual `\n`-style escapes) or a bare word. The
 * value holds a password: messages say what is wrong and where, never quote the text.
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
/** A bare word: class names, flags, option names and unquoted values. */
const WORD = /[A-Za-z0-9_.$\-{}]/;
const ESCAPES: Readonly<Record<string, string>> = { n: '\n', t: '\t', r: '\r', f: '\f', b: '\b' };

export function parseJaasConfig(text: string): JaasLoginModule {
  let i = 0;
  const skipSpace = (): void => {
    while (i < text.length && /\s/.test(text[i])) i++;
  };
  const word = (what: string): string => {
    skipSpace();
    const start = i;
    while (i < text.length && WORD.test(text[i])) i++;
    if (i === start) throw new JaasConfigError(`expected ${what} at character ${i + 1}; the shape is ${SHAPE}`);
    return text.slice(start, i);
  };
  const quoted = (name: string): string => {
    let out = '';
    for (i++; i < text.length; i++) {
      const c = text[i];
      if (c === '"') {
        i++;
        return out;
      }
      if (c === '\\' && i + 1 < text.length) {
        const e = text[++i];
        out += ESCAPES[e] ?? e;
      } else {
        out += c;
      }
    }
    throw new JaasConfigError(`the value of ${name} has no closing '"'`);
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
    const value = text[i] === '"' ? quoted(name) : word(`the value of ${name}`);
    if (options.has(name)) throw new JaasConfigError(`option ${name} is given twice`);
    options.set(name, value);
  }
  i++;
  skipSpace();
  if (i < text.length) throw new JaasConfigError('holds more than one login module: a client has one (only the first ends with \';\')');
  return { loginModule, options };
}
