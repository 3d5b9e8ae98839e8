import { JaasConfigError, parseJaasConfig } from '../../src/cli/jaasConfig';

function options(text: string): Record<string, string> {
  return Object.fromEntries(parseJaasConfig(text).options);
}

describe('parseJaasConfig (sasl.jaas.config)', () => {
  it('reads the login module, its flag and quoted options', () => {
    const parsed = parseJaasConfig('org.apache.kafka.common.security.plain.PlainLoginModule required username="app" password="s3cret";');
    expect(parsed.loginModule).toBe('org.apache.kafka.common.security.plain.PlainLoginModule');
    expect(Object.fromEntries(parsed.options)).toEqual({ username: 'app', password: 's3cret' });
  });

  it('takes bare values, any white space, and escapes in quoted values', () => {
    expect(options('org.apache.kafka.common.security.scram.ScramLoginModule   REQUIRED\n\tusername=app\n  password = "a \\"q\\" b\\\\c;=" ;  ')).toEqual({
      username: 'app',
      password: 'a "q" b\\c;=',
    });
  });

  it("takes single quotes, comments, octal and \\a-style escapes; an option given twice keeps its last value (as Kafka)", () => {
    expect(options("M required /* c */ username='o\\'k' // x\n password=\"\\101\\7\\q\" username=b;")).toEqual({ username: 'b', password: 'A\x07q' });
  });

  it('takes every control flag, and no options', () => {
    for (const flag of ['required', 'requisite', 'sufficient', 'optional']) expect(parseJaasConfig(`M ${flag};`).options.size).toBe(0);
  });

  it.each([
    ['', 'expected the login module class at character 1'],
    ['M', 'expected a control flag (required, requisite, sufficient, optional) after the login module at character 2'],
    ['M mandatory;', "the control flag must be one of required, requisite, sufficient, optional, got 'mandatory'"],
    ['M required username="app"', "it must end with ';'"],
    ['M required username "app";', "option username needs '=' and a value"],
    ['M required password="open;', 'the value of password has no closing " on its line'],
    ['M required username=123;', 'the value of username must be quoted (a bare value starts with a letter): username="…"'],
    ['M required u="a\nb";', 'the value of u has no closing " on its line'],
    ['M required /* open', "a '/*' comment has no closing '*/'"],
    ['M required; N required;', 'holds more than one login module'],
  ])('%j: %s', (text, message) => {
    expect(() => parseJaasConfig(text)).toThrow(JaasConfigError);
    expect(() => parseJaasConfig(text)).toThrow(message);
  });

  it('never quotes the text in a message (it holds the password)', () => {
    for (const text of ['M required password="hunter2', 'M required password=hunter2 user', 'M required password=hunter2']) {
      let message = '';
      try {
        parseJaasConfig(text);
      } catch (err) {
        message = (err as Error).message;
      }
      expect(message).not.toBe('');
      expect(message).not.toContain('hunter2');
    }
  });
});
