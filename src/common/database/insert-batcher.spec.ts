import { AnyBulkWriteOperation, MongoBulkWriteError, MongoNetworkError } from 'mongodb';
import { BulkWriteBatcher, InsertBatcher, RemoveBatcher } from './insert-batcher';

interface Doc {
  _id: string;
}

/** A fake collection whose calls stay in flight until `settle()` lets them return. */
abstract class HeldCalls {
  private release: Array<() => void> = [];

  /** Holds the calling write until `settle()`. */
  protected hold(): Promise<void> {
    return new Promise<void>((resolve) => this.release.push(resolve));
  }

  /** Lets every call in flight return (and those they start, turn after turn). */
  async settle(): Promise<void> {
    while (this.release.length) {
      this.release.splice(0).forEach((r) => r());
      await new Promise((r) => setImmediate(r));
    }
  }
}

/** A collection that holds `_id`s (unique) and answers `insertMany({ ordered: false })` like the driver does. */
class FakeCollection extends HeldCalls {
  readonly ids = new Set<string>();
  readonly calls: string[][] = [];
  failNext: Error | null = null;

  async insertMany(docs: Doc[]): Promise<void> {
    this.calls.push(docs.map((d) => d._id));
    await this.hold();
    if (this.failNext) throw this.failNext;
    const writeErrors: Array<{ index: number; code: number; errmsg: string }> = [];
    docs.forEach((d, index) => {
      if (this.ids.has(d._id)) writeErrors.push({ index, code: 11000, errmsg: `E11000 duplicate key ${d._id}` });
      else if (d._id.startsWith('bad')) writeErrors.push({ index, code: 2, errmsg: `cannot insert ${d._id}` });
      else this.ids.add(d._id);
    });
    if (writeErrors.length) {
      throw new MongoBulkWriteError({ message: writeErrors[0].errmsg, code: writeErrors[0].code, writeErrors } as never, { insertedCount: docs.length - writeErrors.length } as never);
    }
  }
}

describe('InsertBatcher', () => {
  it('sends a lone insert at once and groups the inserts that arrive while the round trips are busy', async () => {
    const col = new FakeCollection();
    const batcher = new InsertBatcher<Doc>(col, { maxBatch: 3, maxInFlight: 1 });
    const first = batcher.insert({ _id: 'a' });
    expect(col.calls).toEqual([['a']]);
    const rest = ['b', 'c', 'd', 'e'].map((id) => batcher.insert({ _id: id }));
    expect(col.calls).toHaveLength(1);
    await col.settle();
    await expect(Promise.all([first, ...rest])).resolves.toEqual([true, true, true, true, true]);
    expect(col.calls).toEqual([['a'], ['b', 'c', 'd'], ['e']]);
  });

  it('with sameTurn, sends the inserts of one turn of the event loop together, even with nothing in flight', async () => {
    const col = new FakeCollection();
    const batcher = new InsertBatcher<Doc>(col, { maxBatch: 10, maxInFlight: 1, sameTurn: true });
    const turn = ['a', 'b', 'c'].map((id) => batcher.insert({ _id: id }));
    expect(col.calls).toEqual([]);
    await new Promise((r) => setImmediate(r));
    expect(col.calls).toEqual([['a', 'b', 'c']]);
    // Arrivals while that round trip is busy still wait for it, then go together.
    const later = ['d', 'e'].map((id) => batcher.insert({ _id: id }));
    await new Promise((r) => setImmediate(r));
    expect(col.calls).toHaveLength(1);
    await col.settle();
    await expect(Promise.all([...turn, ...later])).resolves.toEqual([true, true, true, true, true]);
    expect(col.calls).toEqual([['a', 'b', 'c'], ['d', 'e']]);
  });

  it('answers each caller with its own outcome: inserted, key taken, or its own error', async () => {
    const col = new FakeCollection();
    col.ids.add('taken');
    const batcher = new InsertBatcher<Doc>(col, { maxBatch: 10, maxInFlight: 1 });
    const block = batcher.insert({ _id: 'first' });
    const outcomes = ['x', 'taken', 'bad-1', 'y'].map((id) => batcher.insert({ _id: id }).then((v) => v, (e: Error) => `error: ${e.message}`));
    await col.settle();
    await block;
    expect(await Promise.all(outcomes)).toEqual([true, false, 'error: cannot insert bad-1', true]);
    expect([...col.ids].sort()).toEqual(['first', 'taken', 'x', 'y']);
  });

  it('sends a batch sorted by _id (two batches never take the same keys in opposite orders), each caller still answered with its own outcome', async () => {
    const col = new FakeCollection();
    col.ids.add('w1:02');
    const batcher = new InsertBatcher<Doc>(col, { maxBatch: 10, maxInFlight: 1, sameTurn: true });
    const ids = ['w2:01', 'w1:03', 'bad-2', 'w1:02', 'w10:01', 'w1:01'];
    const outcomes = ids.map((id) => batcher.insert({ _id: id }).then((v) => v, (e: Error) => `error: ${e.message}`));
    await new Promise((r) => setImmediate(r));
    expect(col.calls).toEqual([['bad-2', 'w10:01', 'w1:01', 'w1:02', 'w1:03', 'w2:01']]);
    await col.settle();
    expect(await Promise.all(outcomes)).toEqual([true, true, 'error: cannot insert bad-2', false, true, true]);
  });

  it('gives every caller of a batch the error that left the whole batch unknown', async () => {
    const col = new FakeCollection();
    const batcher = new InsertBatcher<Doc>(col, { maxBatch: 10, maxInFlight: 2 });
    col.failNext = new MongoNetworkError('connection reset');
    const outcomes = ['p', 'q'].map((id) => batcher.insert({ _id: id }).then((v) => v, (e: Error) => e.name));
    await col.settle();
    expect(await Promise.all(outcomes)).toEqual(['MongoNetworkError', 'MongoNetworkError']);
    col.failNext = null;
    const again = batcher.insert({ _id: 'p' });
    await col.settle();
    await expect(again).resolves.toBe(true);
  });
});

describe('BulkWriteBatcher', () => {
  /** A collection of `{ _id, status }` that answers `bulkWrite({ ordered: false })` of updateOne/deleteOne like the driver does. */
  class FakeStatuses extends HeldCalls {
    readonly docs = new Map<string, string>();
    readonly calls: number[] = [];

    async bulkWrite(ops: AnyBulkWriteOperation<{ _id: string; status?: string }>[]): Promise<void> {
      this.calls.push(ops.length);
      await this.hold();
      const writeErrors: Array<{ index: number; code: number; errmsg: string }> = [];
      ops.forEach((op, index) => {
        if ('updateOne' in op) {
          const id = (op.updateOne.filter as { _id: string })._id;
          if (id.startsWith('bad')) writeErrors.push({ index, code: 2, errmsg: `cannot update ${id}` });
          else if (this.docs.has(id)) this.docs.set(id, (op.updateOne.update as { $set: { status: string } }).$set.status);
        } else if ('deleteOne' in op) {
          this.docs.delete((op.deleteOne.filter as { _id: string })._id);
        }
      });
      if (writeErrors.length) throw new MongoBulkWriteError({ message: writeErrors[0].errmsg, code: writeErrors[0].code, writeErrors } as never, {} as never);
    }
  }

  it('groups the writes that arrive while a round trip is busy and answers each with its own outcome', async () => {
    const col = new FakeStatuses();
    for (const id of ['a', 'b', 'c']) col.docs.set(id, 'PENDING');
    const batcher = new BulkWriteBatcher<{ _id: string; status?: string }>(col, { maxBatch: 10, maxInFlight: 1 });
    const set = (id: string) => batcher.write({ updateOne: { filter: { _id: id }, update: { $set: { status: 'SUCCESS' } } } }).then(() => 'ok', (e: Error) => `error: ${e.message}`);
    const first = set('a');
    const rest = [set('b'), set('bad-1'), batcher.write({ deleteOne: { filter: { _id: 'c' } } }).then(() => 'ok')];
    await col.settle();
    expect([await first, ...(await Promise.all(rest))]).toEqual(['ok', 'ok', 'error: cannot update bad-1', 'ok']);
    expect(col.calls).toEqual([1, 3]);
    expect([...col.docs.entries()]).toEqual([
      ['a', 'SUCCESS'],
      ['b', 'SUCCESS'],
    ]);
  });
});

describe('RemoveBatcher', () => {
  /** A collection of `_id`s that answers `deleteMany({ _id: { $in } })` like the driver does. */
  class FakeMarkers extends HeldCalls {
    readonly ids = new Set<string>();
    readonly calls: string[][] = [];
    failNext: Error | null = null;

    async deleteMany(filter: { _id: { $in: string[] } }): Promise<void> {
      this.calls.push(filter._id.$in);
      await this.hold();
      if (this.failNext) throw this.failNext;
      for (const id of filter._id.$in) this.ids.delete(id);
    }
  }

  it('removes the markers of a turn with one deleteMany, and those arriving meanwhile with the next', async () => {
    const col = new FakeMarkers();
    for (const id of ['a', 'b', 'c', 'd']) col.ids.add(id);
    const batcher = new RemoveBatcher(col, { maxBatch: 10, maxInFlight: 1, sameTurn: true });
    const firstTurn = [batcher.remove('a'), batcher.remove('b'), batcher.remove('gone')];
    await new Promise((r) => setImmediate(r));
    const secondTurn = [batcher.remove('c'), batcher.remove('c')];
    await col.settle();
    await Promise.all([...firstTurn, ...secondTurn]);
    expect(col.calls).toEqual([['a', 'b', 'gone'], ['c']]);
    expect([...col.ids]).toEqual(['d']);
  });

  it('gives every caller of a batch the error of its deleteMany', async () => {
    const col = new FakeMarkers();
    col.ids.add('a');
    col.failNext = new Error('connection closed');
    const batcher = new RemoveBatcher(col, { maxBatch: 10, maxInFlight: 1, sameTurn: true });
    const answers = [batcher.remove('a'), batcher.remove('b')].map((p) => p.then(() => 'ok', (e: Error) => e.message));
    await new Promise((r) => setImmediate(r));
    await col.settle();
    expect(await Promise.all(answers)).toEqual(['connection closed', 'connection closed']);
    expect([...col.ids]).toEqual(['a']);
  });
});
