/**
 * Async serializations a producer's serialize stages may have running at once. A pulled source
 * is not read further while this many are pending (hasRoom counts them), so memory stays bounded.
 */
export const MAX_PENDING_SERIALIZATIONS = 1024;

/**
 * The records a producer's stages hold back — waiting for an async serializer, for metadata, for
 * memory — counted across every stream of the producer. It answers three questions:
 * - may a pulled source be read further (`hasRoom` / `whenRoom`, also the producer's `ready$`)?
 * - have the records held when flush() was called left the pipeline (`whenLeft`)?
 * - is anything held at all (`count`, for close())?
 *
 * A record moving from one waiting stage to the next is not leaving: a stage lets held records go
 * through `release(n, emitAll)`, and those the next stage holds while `emitAll` runs stay counted
 * (they moved on). Only records that reach a batch, fail, or are forgotten count as gone.
 */
export class PipelineBacklog {
  /** Records held now, by every stage. */
  count = 0;
  /** Of `count`, the records the serialize stages hold for async serializers. */
  private serializing = 0;
  /** Records that ever left the pipeline for good (into batches, failed or forgotten). */
  private left = 0;
  /** Records ever held by any stage: compared around a release's emits, how many the next stage held. */
  private heldTotal = 0;
  /** Resolvers waiting for room (pulled sources). */
  private roomWaiters: Array<() => void> = [];
  /** flush() calls waiting until as many records have left as were held at the call. */
  private leftWaiters: Array<{ target: number; resolve: () => void }> = [];

  /** @param onRoomChange told each time `hasRoom()` changes (the producer's ready$). */
  constructor(private readonly onRoomChange: (room: boolean) => void) {}

  /**
   * A stage holds `n` more records back (or, negative, forgets `-n` it held: its stream ended, and
   * those records leave the pipeline without an ack).
   */
  add(n: number): void {
    this.change(n, 0, n < 0 ? -n : 0);
  }

  /**
   * A stage lets `n` held records go on: `emitAll` emits them, synchronously, to the next stage.
   * Those the next stage holds meanwhile (waiting for metadata, for memory) stay in the backlog;
   * the others left the pipeline, into batches or failed.
   */
  release(n: number, emitAll: () => void): void {
    const heldBefore = this.heldTotal;
    emitAll();
    this.change(-n, 0, n - (this.heldTotal - heldBefore));
  }

  /**
   * The serialize stage holds `n` more records for async serializers (negative: forgets them).
   * They are backlog (flush() waits for them) but do not close the gate of a pulled source until
   * MAX_PENDING_SERIALIZATIONS are pending: serializations run concurrently.
   */
  addSerializing(n: number): void {
    this.change(n, n, n < 0 ? -n : 0);
  }

  /** As release, for records the serialize stage held. */
  releaseSerializing(n: number, emitAll: () => void): void {
    const heldBefore = this.heldTotal;
    emitAll();
    this.change(-n, -n, n - (this.heldTotal - heldBefore));
  }

  /** True while no record is held back (other than up to MAX_PENDING_SERIALIZATIONS being serialized). */
  hasRoom(): boolean {
    return this.count === this.serializing && this.serializing < MAX_PENDING_SERIALIZATIONS;
  }

  whenRoom(): Promise<void> {
    if (this.hasRoom()) return Promise.resolve();
    return new Promise((resolve) => this.roomWaiters.push(resolve));
  }

  /**
   * Resolves once as many records have left the pipeline as it holds now. Stages release in
   * arrival order, so by then the records held now are in batches (or failed).
   */
  whenHeldNowHaveLeft(): Promise<void> {
    if (this.count === 0) return Promise.resolve();
    const target = this.left + this.count;
    return new Promise((resolve) => this.leftWaiters.push({ target, resolve }));
  }

  /** Resolves every flush() still waiting (the producer closed: what they waited for failed). */
  releaseAllWaiters(): void {
    for (const w of this.leftWaiters.splice(0)) w.resolve();
  }

  private change(n: number, serializing: number, left: number): void {
    const roomBefore = this.hasRoom();
    this.count += n;
    this.serializing += serializing;
    if (n > 0) this.heldTotal += n;
    if (left > 0) {
      this.left += left;
      if (this.leftWaiters.length > 0) this.releaseLeftWaiters();
    }
    const room = this.hasRoom();
    if (room !== roomBefore) this.onRoomChange(room);
    if (room && this.roomWaiters.length > 0) {
      const waiters = this.roomWaiters;
      this.roomWaiters = [];
      for (let i = 0; i < waiters.length; i++) waiters[i]();
    }
  }

  private releaseLeftWaiters(): void {
    const waiting = this.leftWaiters;
    this.leftWaiters = [];
    for (let i = 0; i < waiting.length; i++) {
      if (this.left >= waiting[i].target) waiting[i].resolve();
      else this.leftWaiters.push(waiting[i]);
    }
  }
}
