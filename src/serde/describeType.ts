/** "a number", "an object", "an array", … — for error messages about unexpected input. */
export function describeType(data: unknown): string {
  if (data === null) return 'null';
  if (Array.isArray(data)) return 'an array';
  const type = typeof data;
  if (type === 'object') {
    const name = (data as object).constructor?.name;
    return name !== undefined && name !== 'Object' ? `a ${name}` : 'an object';
  }
  return type === 'undefined' ? 'undefined' : /^[aeiou]/.test(type) ? `an ${type}` : `a ${type}`;
}
