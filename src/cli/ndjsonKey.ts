/** Why an ndjson line gave no record; the caller adds the line number. */
export class NdjsonLineError extends Error {}

/**
 * The record key of one ndjson line: the top-level field `keyField` as UTF-8 text — a string as
 * its characters, anything else (number, boolean, object, array) as its JSON text exactly as the
 * line writes it, so that `{"id":12345678901234567891}` keys by `12345678901234567891` and not
 * by a rounded double. null when `keyField` is undefined, or the field is absent or JSON null
 * (a keyless record). Throws NdjsonLineError when the line is not JSON.
 */
export function ndjsonKey(line: string, keyField: string | undefined): string | null {
  let doc: unknown;
  try {
    doc = JSON.parse(line);
  } catch (err) {
    throw new NdjsonLineError(`not valid JSON (--format ndjson): ${(err as Error).message}`);
  }
  if (keyField === undefined) return null;
  if (doc === null || typeof doc !== 'object' || Array.isArray(doc)) return null;
  const value = (doc as Record<string, unknown>)[keyField];
  if (value === undefined || value === null) return null;
  if (typeof value === 'string') return value;
  return rawMemberText(line, keyField) ?? JSON.stringify(value);
}

/**
 * The source text of the last top-level member named `name` in a valid JSON object text (the
 * last, because JSON.parse keeps the last of duplicate names), or null if none.
 * Only structure matters here: `line` has already been validated by JSON.parse.
 */
export function rawMemberText(line: string, name: string): string | null {
  let found: string | null = null;
  // Nesting depth: 1 inside the top-level object.
  let depth = 0;
  // Start of the current top-level value when its member name matched, else -1.
  let valueStart = -1;
  // Whether the next top-level string is a member name (after '{' or ',') rather than a value.
  let expectName = false;
  for (let i = 0; i < line.length; i++) {
    const c = line.charCodeAt(i);
    if (c === 0x22 /* " */) {
      const end = endOfString(line, i);
      if (depth === 1 && expectName) {
        expectName = false;
        if (JSON.parse(line.slice(i, end + 1)) === name) {
          // The value starts after the ':' that follows the name.
          valueStart = line.indexOf(':', end + 1) + 1;
        }
      }
      i = end;
    } else if (c === 0x7b /* { */ || c === 0x5b /* [ */) {
      depth++;
      if (depth === 1) expectName = true;
    } else if (c === 0x7d /* } */ || c === 0x5d /* ] */) {
      if (depth === 1 && valueStart >= 0) {
        found = line.slice(valueStart, i).trim();
        valueStart = -1;
      }
      depth--;
    } else if (c === 0x2c /* , */ && depth === 1) {
      if (valueStart >= 0) {
        found = line.slice(valueStart, i).trim();
        valueStart = -1;
      }
      expectName = true;
    }
  }
  return found;
}

/** Index of the closing quote of the JSON string opening at `start`. */
function endOfString(text: string, start: number): number {
  for (let i = start + 1; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (c === 0x5c /* \ */) i++;
    else if (c === 0x22) return i;
  }
  return text.length - 1;
}
