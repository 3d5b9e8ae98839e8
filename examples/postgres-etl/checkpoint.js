'use strict';
/**
 * The job's checkpoint, a row in PostgreSQL: the last source position whose record, and every
 * record before it, Kafka has acked. Written on its own connection (the reading one is busy with
 * the cursor), one write at a time; a position asked for while a write runs is written next,
 * superseding any older request.
 *
 *   CREATE TABLE etl_checkpoint (job text PRIMARY KEY, position bigint NOT NULL, updated_at timestamptz NOT NULL)
 */
const CREATE = `CREATE TABLE IF NOT EXISTS etl_checkpoint (
  job text PRIMARY KEY,
  position bigint NOT NULL,
  updated_at timestamptz NOT NULL DEFAULT now()
)`;

/** The position saved for `job`, or `start` when the job never ran. */
async function loadCheckpoint(client, job, start) {
  await client.query(CREATE);
  const { rows } = await client.query('SELECT position FROM etl_checkpoint WHERE job = $1', [job]);
  return rows.length === 0 ? start : Number(rows[0].position);
}

class CheckpointWriter {
  /**
   * @param client a connected pg Client of its own
   * @param {string} job
   * @param {number} position the checkpoint as loaded
   * @param {(position: number) => void} onSaved called after each write commits
   */
  constructor(client, job, position, onSaved) {
    this.client = client;
    this.job = job;
    this.onSaved = onSaved;
    /** The position PostgreSQL holds (the last write that committed). */
    this.saved = position;
    /** The newest position asked for; saved <= wanted. */
    this.wanted = position;
    /** The write loop while it runs, else null. */
    this.writing = null;
    /** The first write that failed: the job must stop, its checkpoint is not moving. */
    this.failure = null;
  }

  /** Asks for `position` to be saved; returns at once (see settled()). */
  save(position) {
    if (position <= this.wanted) return;
    this.wanted = position;
    if (this.writing === null) this.writing = this.writeLoop().finally(() => (this.writing = null));
  }

  /** Resolves when every position asked for so far is saved; rejects if a write failed. */
  async settled() {
    while (this.writing !== null) await this.writing;
    if (this.failure !== null) throw this.failure;
  }

  async writeLoop() {
    while (this.failure === null && this.saved < this.wanted) {
      const position = this.wanted;
      try {
        await this.client.query(
          `INSERT INTO etl_checkpoint (job, position, updated_at) VALUES ($1, $2, now())
           ON CONFLICT (job) DO UPDATE SET position = EXCLUDED.position, updated_at = now()`,
          [this.job, position],
        );
      } catch (err) {
        this.failure = err;
        return;
      }
      this.saved = position;
      this.onSaved(position);
    }
  }
}

module.exports = { CheckpointWriter, loadCheckpoint };
