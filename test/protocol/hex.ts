/**
 * Bytes from hex fragments, one per field so that each can carry a comment; spaces are ignored.
 *
 * @example
 * hex('00 12', // api key 18
 *     '00 03') // version 3
 */
export function hex(...parts: string[]): Buffer {
  return Buffer.from(parts.join('').replace(/\s+/g, ''), 'hex');
}

/** Hex of the UTF-8 bytes of `s` (for readable expectations of string contents). */
export function utf8(s: string): string {
  return Buffer.from(s, 'utf8').toString('hex');
}
