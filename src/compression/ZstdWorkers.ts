/**
 * The worker threads that compress zstd batches off the event loop. Node's zlib has no zstd (in
 * Node 20) and @bokuweb/zstd-wasm runs synchronously on the thread that calls it, so unlike gzip,
 * lz4 and snappy (libuv's thread pool) zstd needs threads of its own: at most `size` of them (one
 * fewer than the machine's cores, between 1 and 2), started on first use, each with its own
 * WebAssembly instance.
 *
 * Lifecycle: a producer created with zstd holds the workers (`retain`) until it closes; when no
 * producer holds them and no batch is compressing, they are terminated (a compress() call with no
 * holder — a test, a tool — starts them and lets them go when it is answered). A worker is
 * unref'ed while idle, so it never keeps the process alive, and ref'ed while it has batches, as
 * libuv's pool keeps the loop alive for a pending gzip. A worker that crashes (exits, or throws
 * outside a batch) fails the batches it held with a CompressionError and is dropped; the next
 * batch starts a new one.
 *
 * Bound: a worker is given at most POSTED_BYTES_PER_WORKER of records at a time; the other
 * batches wait here, uncopied, oldest first, so that the copies never add up to bufferMemory.
 *
 * Handing over: the records are copied into an input ArrayBuffer that is transferred to the
 * worker and given back with its answer, for the next batch (the batch's own buffer belongs to the
 * BufferPool and is reused, so it cannot be transferred). Measured on the loop per post (16 KiB /
 * 256 KiB / 1 MiB): ~28 / 35 / 65 µs, about what posting the records for structured cloning costs
 * (~10 / 25 / 90 µs); but a clone leaves a new buffer per batch in the worker, which its garbage
 * collector frees late: +52 MB RSS after 4,000 batches of 256 KiB, against +18 MB (the worker
 * itself) with the buffers reused. The compressed frame comes back by transfer, without a copy.
 *
 * @example
 * const release = zstdWorkers.retain(); // at producer creation
 * const { compressed } = await zstdWorkers.compress(records, 3);
 * release(); // at producer close
 */
import { availableParallelism } from 'node:os';
import { Worker } from 'node:worker_threads';
import { Fifo } from '../collections/Fifo';
import { CompressionError } from '../errors';
import { ZSTD_WORKER_SOURCE } from './zstdWorkerSource';

/** What a worker answers: the zstd frame, and the thread that compressed it. */
export interface ZstdCompressed {
  compressed: Buffer;
  threadId: number;
}

interface Job {
  records: Uint8Array;
  level: number;
  resolve: (result: ZstdCompressed) => void;
  reject: (error: Error) => void;
}

/**
 * Bytes of records posted to one worker and not answered, at most (a batch bigger than this goes
 * alone): enough that a worker has work through a long turn of the event loop (filling
 * bufferMemory's batches from a pulled source), few enough that the copies stay small.
 */
export const POSTED_BYTES_PER_WORKER = 4 * 1024 * 1024;

interface Reply {
  id: number;
  /** The input buffer, given back for the next batch. */
  input?: ArrayBuffer;
  compressed?: Uint8Array;
  error?: string;
}

/** One worker thread and what it was given and has not answered. */
class ZstdThread {
  /** Batches posted to this worker and not answered, by job id; failed together if it dies. */
  readonly jobs = new Map<number, Job>();
  /** Bytes of records in `jobs` (≤ POSTED_BYTES_PER_WORKER, or one batch bigger than it). */
  postedBytes = 0;
  /** The error the worker threw outside a batch, reported when it exits. */
  crash: Error | null = null;

  constructor(
    readonly worker: Worker,
    /** Kept apart: worker.threadId reads -1 once the thread has exited. */
    readonly threadId: number,
  ) {}
}

/** One fewer than the cores (the event loop keeps one), at least 1, at most 2. */
export function defaultZstdWorkers(): number {
  return Math.max(1, Math.min(2, availableParallelism() - 1));
}

export class ZstdWorkers {
  /** Running workers; a worker leaves when it exits or is terminated. */
  private readonly threads: ZstdThread[] = [];
  /** Batches not yet posted, oldest first: every worker is full and none can start. */
  private readonly waiting = new Fifo<Job>();
  /** Input buffers the workers gave back, for the next batches (at most one per batch in flight). */
  private readonly spares: ArrayBuffer[] = [];
  /** Answers received this turn of the event loop, settled together by settleAnswered. */
  private answered: Array<{ job: Job; result: ZstdCompressed | CompressionError }> = [];
  /** Whether settleAnswered is scheduled. */
  private settling = false;
  /** Producers holding the workers (retain() calls not released). */
  private holders = 0;
  /** Id of the next job, unique across workers. */
  private nextJobId = 0;

  constructor(
    /** The most workers to run at once. */
    readonly size: number = defaultZstdWorkers(),
    /** The workers' program (tests give one that crashes on purpose). */
    private readonly source: string = ZSTD_WORKER_SOURCE,
  ) {}

  /** Workers running now (for tests and metrics). */
  get threadCount(): number {
    return this.threads.length;
  }

  /** Batches posted to workers and not answered. */
  get postedCount(): number {
    let n = 0;
    for (let i = 0; i < this.threads.length; i++) n += this.threads[i].jobs.size;
    return n;
  }

  /** Batches waiting for room in a worker (not yet copied to one). */
  get waitingCount(): number {
    return this.waiting.size;
  }

  /** Holds the workers until the returned release is called (once; later calls do nothing). */
  retain(): () => void {
    this.holders++;
    let released = false;
    return () => {
      if (released) return;
      released = true;
      this.holders--;
      this.stopIdle();
    };
  }

  /** Compresses `records` (one zstd frame at `level`) on a worker thread; rejects with a CompressionError. */
  compress(records: Uint8Array, level: number): Promise<ZstdCompressed> {
    return new Promise<ZstdCompressed>((resolve, reject) => {
      this.waiting.push({ records, level, resolve, reject });
      this.drain();
    });
  }

  /** Posts waiting batches, oldest first, while a worker has room or one more may start. */
  private drain(): void {
    while (this.waiting.size > 0) {
      const job = this.waiting.peek()!;
      const thread = this.pick(job.records.length);
      if (thread === null) return;
      this.post(thread, this.waiting.shift()!);
    }
  }

  /** An idle worker, else a new one while under `size`, else the least busy with room for `bytes`; null when none. */
  private pick(bytes: number): ZstdThread | null {
    let least: ZstdThread | null = null;
    for (let i = 0; i < this.threads.length; i++) {
      if (least === null || this.threads[i].postedBytes < least.postedBytes) least = this.threads[i];
    }
    if (least !== null && least.jobs.size === 0) return least;
    if (this.threads.length < this.size) return this.start();
    return least !== null && least.postedBytes + bytes <= POSTED_BYTES_PER_WORKER ? least : null;
  }

  /** Copies the records into an input buffer (a spare one if it fits) and transfers it to `thread`. */
  private post(thread: ZstdThread, job: Job): void {
    const length = job.records.length;
    let input = this.spares.pop();
    if (input === undefined || input.byteLength < length) input = new ArrayBuffer(length);
    Buffer.from(input, 0, length).set(job.records);
    const id = this.nextJobId++;
    if (thread.jobs.size === 0) thread.worker.ref();
    thread.jobs.set(id, job);
    thread.postedBytes += length;
    thread.worker.postMessage({ id, level: job.level, input, length }, [input]);
  }

  private start(): ZstdThread {
    const worker = new Worker(this.source, { eval: true, workerData: { zstdPath: require.resolve('@bokuweb/zstd-wasm') } });
    const thread = new ZstdThread(worker, worker.threadId);
    worker.unref();
    worker.on('message', (reply: Reply) => this.onReply(thread, reply));
    worker.on('error', (err: Error) => {
      thread.crash = err;
    });
    worker.on('exit', (code: number) => this.onExit(thread, code));
    this.threads.push(thread);
    return thread;
  }

  private onReply(thread: ZstdThread, reply: Reply): void {
    const job = thread.jobs.get(reply.id);
    if (job === undefined) return;
    thread.jobs.delete(reply.id);
    thread.postedBytes -= job.records.length;
    if (reply.input !== undefined) this.spares.push(reply.input);
    if (thread.jobs.size === 0) thread.worker.unref();
    const c = reply.compressed;
    this.answered.push({
      job,
      result:
        c !== undefined
          ? { compressed: Buffer.from(c.buffer, c.byteOffset, c.byteLength), threadId: thread.threadId }
          : new CompressionError('zstd', `${reply.error ?? 'no output'} (worker thread ${thread.threadId})`),
    });
    if (!this.settling) {
      this.settling = true;
      setImmediate(this.settleAnswered);
    }
    this.drain();
    this.stopIdle();
  }

  /**
   * Settles the answers of one turn of the loop together. Node emits each worker message as its
   * own task, and the sender drains once per microtask checkpoint: settled one by one, batches
   * reached the sender one by one, a request each (`rxkafka perf --compression zstd`, 200k records
   * of 1000 B: 1191 requests of 168 records; settled together, 940 of 213).
   */
  private readonly settleAnswered = (): void => {
    const answered = this.answered;
    this.answered = [];
    this.settling = false;
    for (let i = 0; i < answered.length; i++) {
      const { job, result } = answered[i];
      if (result instanceof CompressionError) job.reject(result);
      else job.resolve(result);
    }
  };

  /** A worker exited: terminated by stopIdle (no jobs), or crashed (its jobs fail). */
  private onExit(thread: ZstdThread, code: number): void {
    this.remove(thread);
    if (thread.jobs.size === 0) return;
    thread.worker.unref();
    const why = thread.crash === null ? `exited with code ${code}` : `failed: ${thread.crash.message}`;
    const error = new CompressionError(
      'zstd',
      `worker thread ${thread.threadId} ${why} while compressing ${thread.jobs.size} batch(es); the next batch starts a new worker`,
      { cause: thread.crash ?? undefined },
    );
    for (const job of thread.jobs.values()) job.reject(error);
    thread.jobs.clear();
    // Batches that waited for this worker go to a new one.
    this.drain();
  }

  /** With no holder, terminates every worker that has nothing to answer. */
  private stopIdle(): void {
    if (this.holders > 0) return;
    for (let i = this.threads.length - 1; i >= 0; i--) {
      const thread = this.threads[i];
      if (thread.jobs.size > 0) continue;
      this.remove(thread);
      if (this.threads.length === 0) this.spares.length = 0;
      void thread.worker.terminate();
    }
  }

  private remove(thread: ZstdThread): void {
    const i = this.threads.indexOf(thread);
    if (i >= 0) this.threads.splice(i, 1);
  }
}

/** The process's zstd workers, shared by every producer and codec. */
export const zstdWorkers = new ZstdWorkers();
