'use strict';
// One POST body of ndjson into the shared producer: its lines as a pulled source, one result.
//
// The body is read only as fast as the producer takes records: `produce()` pulls the next line
// from this async generator only while nothing is held back for memory, so an admitted request
// never makes the server buffer more than one chunk of the socket and one partial line.

/** Lines longer than this are refused (and skipped, not buffered): Kafka would refuse them anyway. */
const DEFAULT_MAX_LINE_BYTES = 1024 * 1024;
/** At most this many failures are listed in a response; `failed` still counts them all. */
const MAX_LISTED_FAILURES = 100;

/**
 * The records of an ndjson body, one per non-blank line: value = the line's bytes as sent, key =
 * its `key` field when that is a string, meta = the line number (1-based). Lines that are not a
 * JSON object, or are too long, become entries of `result.failures` instead of records.
 */
async function* recordsOf(body, result, maxLineBytes) {
  let lineNo = 0;
  let pending = []; // chunks of the line being read (without its newline)
  let pendingBytes = 0;
  let overlong = false; // the current line passed maxLineBytes: its rest is skipped
  for await (const chunk of body) {
    let start = 0;
    for (;;) {
      const nl = chunk.indexOf(10, start);
      const end = nl === -1 ? chunk.length : nl;
      if (!overlong) {
        pendingBytes += end - start;
        if (pendingBytes > maxLineBytes) {
          overlong = true;
          pending = [];
        } else if (end > start) pending.push(chunk.subarray(start, end));
      }
      if (nl === -1) break;
      lineNo++;
      const record = lineRecord(lineNo, pending, overlong, maxLineBytes, result);
      pending = [];
      pendingBytes = 0;
      overlong = false;
      if (record !== null) yield record;
      start = nl + 1;
    }
  }
  if (pendingBytes > 0 || overlong) {
    const record = lineRecord(lineNo + 1, pending, overlong, maxLineBytes, result);
    if (record !== null) yield record;
  }
}

/** The record of one line, or null when it is blank or refused (then noted in `result`). */
function lineRecord(lineNo, parts, overlong, maxLineBytes, result) {
  if (overlong) {
    result.received++;
    fail(result, lineNo, `line longer than ${maxLineBytes} bytes`);
    return null;
  }
  const value = parts.length === 1 ? parts[0] : Buffer.concat(parts);
  const text = value.toString('utf8').trim();
  if (text === '') return null;
  result.received++;
  let parsed;
  try {
    parsed = JSON.parse(text);
  } catch (err) {
    fail(result, lineNo, `not JSON: ${err.message}`);
    return null;
  }
  if (parsed === null || typeof parsed !== 'object' || Array.isArray(parsed)) {
    fail(result, lineNo, 'not a JSON object');
    return null;
  }
  // Copied: the chunk it points into may be a pooled buffer reused by the socket.
  return { key: typeof parsed.key === 'string' ? parsed.key : undefined, value: Buffer.from(value), meta: lineNo };
}

function fail(result, line, error) {
  result.failed++;
  if (result.failures.length < MAX_LISTED_FAILURES) result.failures.push({ line, error });
}

/**
 * Produces an ndjson body and resolves, once every record is acked or failed, with
 * `{ received, acked, failed, failures: [{ line, error }] }` (failures in line order, at most 100
 * listed). Rejects if the body stream fails (the client went away).
 */
function ingest(producer, body, opts = {}) {
  const maxLineBytes = opts.maxLineBytes ?? DEFAULT_MAX_LINE_BYTES;
  const result = { received: 0, acked: 0, failed: 0, failures: [] };
  return new Promise((resolve, reject) => {
    producer.produce(recordsOf(body, result, maxLineBytes)).subscribe({
      next: (ack) => {
        if (ack.error === undefined) result.acked++;
        else fail(result, ack.meta, `${ack.error.name}: ${ack.error.message}`);
      },
      error: reject,
      complete: () => {
        result.failures.sort((a, b) => a.line - b.line);
        resolve(result);
      },
    });
  });
}

module.exports = { ingest, DEFAULT_MAX_LINE_BYTES };
