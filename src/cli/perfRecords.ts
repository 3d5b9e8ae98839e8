import { randomBytes } from 'node:crypto';
import type { ProducerRecord } from '../types';
import type { PacingSchedule } from './perfPacing';

/** A perf record: key and value as bytes, `meta` the time (ms, `now()`) it was pulled. */
export type PerfRecord = ProducerRecord<Buffer, Buffer, number> & { meta: number };

/**
 * The records of a perf run as a pulled source: the producer takes the next one only while it has
 * room in bufferMemory, so memory stays bounded whatever `--num-records` is, and a record's send
 * time is when the producer pulled it (its `meta`, read back on the ack for the latency).
 *
 * Nothing is allocated per record: the value is one preallocated Buffer, the keys are encoded
 * once, and the same record object and iterator result are handed out each time — safe because
 * the producer's serialize stage copies a record's fields into its own SerializedRecord
 * synchronously, as the record is pulled, and never keeps the record.
 */
export class PerfRecords implements IterableIterator<PerfRecord> {
  /** Records handed out so far (the progress line's "read"). */
  pulled = 0;
  /** The one record object, refilled on each pull. */
  private readonly record: PerfRecord;
  private readonly result: IteratorYieldResult<PerfRecord>;
  /** k0…k{K-1} as bytes; empty for keyless records. */
  private readonly keys: Buffer[];
  /** Index in `keys` of the next record's key (round robin). */
  private nextKey = 0;

  constructor(
    /** Records to hand out in all; lowered to `pulled` by `stop()`. */
    private numRecords: number,
    recordSize: number,
    keyCount: number,
    private readonly now: () => number = () => performance.now(),
  ) {
    this.keys = Array.from({ length: keyCount }, (_, k) => Buffer.from(`k${k}`));
    this.record = { key: null, value: payload(recordSize), meta: 0 };
    this.result = { done: false, value: this.record };
  }

  next(): IteratorResult<PerfRecord> {
    if (this.pulled === this.numRecords) return { done: true, value: undefined };
    this.pulled++;
    if (this.keys.length > 0) {
      this.record.key = this.keys[this.nextKey];
      this.nextKey = this.nextKey + 1 === this.keys.length ? 0 : this.nextKey + 1;
    }
    this.record.meta = this.now();
    return this.result;
  }

  /** Hands out no more records: the source ends at the next pull (a signal stopped the run). */
  stop(): void {
    this.numRecords = this.pulled;
  }

  [Symbol.iterator](): this {
    return this;
  }
}

/**
 * `records` at the pace of `schedule`: waits (one `sleep` per burst, see PacingSchedule) while
 * the next record is not due yet. An async source costs a promise per record, which only a paced
 * run pays; unlimited runs hand the producer the synchronous PerfRecords itself.
 */
export async function* paced(
  records: PerfRecords,
  schedule: PacingSchedule,
  now: () => number,
  sleep: (ms: number) => Promise<void>,
): AsyncGenerator<PerfRecord> {
  for (;;) {
    const waitMs = schedule.delayMs(now());
    if (waitMs > 0) {
      await sleep(waitMs);
      continue;
    }
    const result = records.next();
    if (result.done === true) return;
    yield result.value;
  }
}

/** Random capital letters, as kafka-producer-perf-test's payload: made once, sent by every record. */
function payload(size: number): Buffer {
  const value = randomBytes(size);
  for (let i = 0; i < size; i++) value[i] = 65 + (value[i] % 26);
  return value;
}
