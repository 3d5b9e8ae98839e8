import { parseJavaProperties, propertiesText, PropertiesSyntaxError } from '../../src/cli/javaProperties';

/** key → value pairs with their lines, as [key, value, line]. */
function parsed(text: string): Array<[string, string, number]> {
  return parseJavaProperties(text).map((e) => [e.key, e.value, e.line]);
}

describe('parseJavaProperties (java.util.Properties.load)', () => {
  it('takes =, : and white space as separators, with white space around them', () => {
    expect(parsed('a=1\nb: 2\nc 3\nd = 4\ne\t:\t5\nf  =  =6\n')).toEqual([
      ['a', '1', 1],
      ['b', '2', 2],
      ['c', '3', 3],
      ['d', '4', 4],
      ['e', '5', 5],
      // One separator only: the second '=' is the value's.
      ['f', '=6', 6],
    ]);
  });

  it('skips comments (# or ! first on the line, after white space) and blank lines; keeps a # inside a value', () => {
    expect(parsed('# a comment\n  ! another\n\n   \t\nurl=http://h/#frag\n')).toEqual([['url', 'http://h/#frag', 5]]);
  });

  it('keeps trailing white space of a value, drops leading; a key alone has an empty value', () => {
    expect(parsed('   k = v  \nalone\nempty=\n')).toEqual([
      ['k', 'v  ', 1],
      ['alone', '', 2],
      ['empty', '', 3],
    ]);
  });

  it('joins continued lines (odd number of trailing backslashes), dropping the next line\'s leading white space', () => {
    const text = 'sasl.jaas.config=org.apache.kafka.common.security.plain.PlainLoginModule required \\\n    username="app" \\\n    password="pw";\nnext=1\n';
    expect(parsed(text)).toEqual([
      ['sasl.jaas.config', 'org.apache.kafka.common.security.plain.PlainLoginModule required username="app" password="pw";', 1],
      ['next', '1', 4],
    ]);
  });

  it('an even number of trailing backslashes is escaped backslashes, not a continuation', () => {
    expect(parsed('path=C:\\\\dir\\\\\nnext=1\n')).toEqual([
      ['path', 'C:\\dir\\', 1],
      ['next', '1', 2],
    ]);
  });

  it('a continued line may start with # (only a first line is a comment); a comment line does not continue', () => {
    expect(parsed('a=x\\\n  #y\n# c \\\nb=2\n')).toEqual([
      ['a', 'x#y', 1],
      ['b', '2', 4],
    ]);
  });

  it('an empty line after a continuation ends the value; a backslash on the last line is dropped', () => {
    expect(parsed('a=x\\\n\nb=y\\')).toEqual([
      ['a', 'x', 1],
      ['b', 'y', 3],
    ]);
  });

  it('a lone backslash (Java 9+): a comment may follow while the logical line is empty; at the end of the file it is an empty key', () => {
    expect(parsed('\\\n#c\\\nk=v\n')).toEqual([['k', 'v', 3]]);
    expect(parsed('\\\n\nk=v')).toEqual([['k', 'v', 3]]);
    expect(parsed('a=1\n\\\n')).toEqual([
      ['a', '1', 1],
      ['', '', 2],
    ]);
  });

  it('reads \\n, \\r and \\r\\n line ends', () => {
    expect(parsed('a=1\r\nb=2\rc=3\n')).toEqual([
      ['a', '1', 1],
      ['b', '2', 2],
      ['c', '3', 3],
    ]);
  });

  it('resolves escapes: \\t \\n \\r \\f \\uXXXX, and \\c is c (\\\\, \\=, \\:, \\ , \\#) in keys and values', () => {
    expect(parsed('k\\=ey\\:x\\ y=a\\tb\\nc\\rd\\fe\\u00e9\\u20AC\\\\\\q\\#\n')).toEqual([['k=ey:x y', 'a\tb\nc\rd\fe\u00e9\u20ac\\q#', 1]]);
  });

  it('a key with an escaped separator, then white space then =', () => {
    expect(parsed('a\\ b = c\n')).toEqual([['a b', 'c', 1]]);
  });

  it('keeps every entry in order (a key given twice appears twice; the caller lets the last win)', () => {
    expect(parsed('a=1\nb=2\na=3\n')).toEqual([
      ['a', '1', 1],
      ['b', '2', 2],
      ['a', '3', 3],
    ]);
  });

  it('a malformed \\uXXXX is a syntax error at the line where its logical line starts', () => {
    let thrown: unknown;
    try {
      parseJavaProperties('a=1\nb=\\\n  x\\u12g4\n');
    } catch (err) {
      thrown = err;
    }
    expect(thrown).toBeInstanceOf(PropertiesSyntaxError);
    expect(thrown).toMatchObject({ line: 2, message: "malformed \\uXXXX escape '\\u12g4': it needs 4 hexadecimal digits (write a backslash as \\\\)" });
    expect(() => parseJavaProperties('c=\\u12')).toThrow("malformed \\uXXXX escape '\\u12'");
  });
});

describe('propertiesText', () => {
  it('reads UTF-8, and bytes that are not UTF-8 as ISO-8859-1 (what Java reads)', () => {
    expect(propertiesText(Buffer.from('p=né€\n', 'utf8'))).toBe('p=né€\n');
    expect(propertiesText(Buffer.from([0x70, 0x3d, 0x6e, 0xe9, 0x0a]))).toBe('p=né\n');
  });
});
