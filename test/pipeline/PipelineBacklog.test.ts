import { MAX_PENDING_SERIALIZATIONS } from '../../src/pipeline/PipelineBacklog';
import { PipelineBacklog } from '../../src/pipeline/PipelineBacklog';

/**
 * The producer's count of records its stages hold back: room for pulled sources (and ready$),
 * flush()'s "have the records held at the call left?", and the handover between stages, where a
 * record the next stage holds in turn has not left the pipeline.
 */
describe('PipelineBacklog', () => {
  const settled = async (p: Promise<void>): Promise<boolean> => {
    let done = false;
    void p.then(() => (done = true));
    await new Promise((r) => setImmediate(r));
    return done;
  };

  it('has room while nothing is held, none while a record is, and says so on each change', () => {
    const changes: boolean[] = [];
    const b = new PipelineBacklog((room) => changes.push(room));
    expect(b.hasRoom()).toBe(true);
    b.add(2);
    expect(b.hasRoom()).toBe(false);
    b.add(1);
    b.release(3, () => {});
    expect(b.hasRoom()).toBe(true);
    expect(b.count).toBe(0);
    expect(changes).toEqual([false, true]);
  });

  it('records held for async serializers close the gate only at MAX_PENDING_SERIALIZATIONS', () => {
    const b = new PipelineBacklog(() => {});
    b.addSerializing(MAX_PENDING_SERIALIZATIONS - 1);
    expect(b.hasRoom()).toBe(true);
    b.addSerializing(1);
    expect(b.hasRoom()).toBe(false);
    b.releaseSerializing(1, () => {});
    expect(b.hasRoom()).toBe(true);
  });

  it('whenRoom resolves once the held records are gone, not before', async () => {
    const b = new PipelineBacklog(() => {});
    b.add(1);
    const room = b.whenRoom();
    expect(await settled(room)).toBe(false);
    b.add(-1);
    expect(await settled(room)).toBe(true);
  });

  it('a record the next stage holds during a release has not left: flush waits for it there', async () => {
    const b = new PipelineBacklog(() => {});
    b.addSerializing(2); // two records wait for their serializers
    const flushed = b.whenHeldNowHaveLeft();
    // Both are released; the next stage (say, partition, waiting for metadata) holds the second.
    b.releaseSerializing(2, () => b.add(1));
    expect(b.count).toBe(1);
    expect(await settled(flushed)).toBe(false);
    b.release(1, () => {}); // its metadata came: it reached a batch
    expect(b.count).toBe(0);
    expect(await settled(flushed)).toBe(true);
  });

  it('records held after flush() was called are not waited for', async () => {
    const b = new PipelineBacklog(() => {});
    b.add(1);
    const flushed = b.whenHeldNowHaveLeft();
    b.add(5); // later arrivals
    b.release(1, () => {});
    expect(await settled(flushed)).toBe(true);
    expect(b.count).toBe(5);
  });

  it('forgotten records (a stream unsubscribed) count as gone; releaseAllWaiters frees every flush at close', async () => {
    const b = new PipelineBacklog(() => {});
    b.add(3);
    const first = b.whenHeldNowHaveLeft();
    b.add(-3);
    expect(await settled(first)).toBe(true);
    b.add(1);
    const second = b.whenHeldNowHaveLeft();
    b.releaseAllWaiters();
    expect(await settled(second)).toBe(true);
  });
});
