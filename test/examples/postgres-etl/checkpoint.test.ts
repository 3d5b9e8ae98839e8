// The ETL example's checkpoint writer (examples/postgres-etl/checkpoint.js): one write at a time,
// newer requests superseding older ones, a failed write stopping it. On PostgreSQL itself:
// test/real-kafka/examples/postgresEtl.test.ts.
interface Query {
  sql: string;
  params: unknown[];
}
interface Writer {
  saved: number;
  wanted: number;
  save(position: number): void;
  settled(): Promise<void>;
}
// eslint-disable-next-line @typescript-eslint/no-require-imports
const { CheckpointWriter } = require('../../../examples/postgres-etl/checkpoint') as {
  CheckpointWriter: new (client: { query(sql: string, params: unknown[]): Promise<unknown> }, job: string, position: number, onSaved: (p: number) => void) => Writer;
};

describe('CheckpointWriter', () => {
  test('one write at a time; a position asked for during a write supersedes older requests; settled() waits for the last', async () => {
    const queries: Query[] = [];
    const pending: Array<() => void> = [];
    const client = {
      query: (sql: string, params: unknown[]): Promise<unknown> => {
        queries.push({ sql, params });
        return new Promise<void>((resolve) => pending.push(resolve));
      },
    };
    const saved: number[] = [];
    const writer = new CheckpointWriter(client, 'job-a', 10, (p) => saved.push(p));
    writer.save(5); // behind the loaded checkpoint: nothing to write
    expect(queries).toHaveLength(0);
    writer.save(20);
    writer.save(30);
    writer.save(40);
    expect(queries.map((q) => q.params)).toEqual([['job-a', 20]]);
    pending.shift()!();
    await new Promise((r) => setImmediate(r));
    expect(queries.map((q) => q.params)).toEqual([['job-a', 20], ['job-a', 40]]);
    const done = writer.settled();
    pending.shift()!();
    await done;
    expect(saved).toEqual([20, 40]);
    expect(writer.saved).toBe(40);
  });

  test('a failed write stops the writer and settled() rejects with its error', async () => {
    const failure = new Error('connection terminated');
    const writer = new CheckpointWriter({ query: () => Promise.reject(failure) }, 'job-b', 0, () => {});
    writer.save(7);
    await expect(writer.settled()).rejects.toBe(failure);
    expect(writer.saved).toBe(0);
  });
});
