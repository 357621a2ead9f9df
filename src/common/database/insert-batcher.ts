import { AnyBulkWriteOperation, Document, MongoBulkWriteError, MongoServerError } from 'mongodb';
import { isDuplicateKeyError } from './mongo-errors';

/** What the batcher needs of a collection (the driver's `Collection`, or a fake in unit tests). */
export interface InsertManyTarget<T> {
  insertMany(docs: T[], options: { ordered: false }): Promise<unknown>;
}

export interface InsertBatcherOptions {
  /** Most documents (or writes) in one round trip. */
  maxBatch: number;
  /** Most round trips in flight at once; what arrives while all are busy waits and goes together. */
  maxInFlight: number;
  /**
   * When set, an item arriving while nothing is queued waits for the end of the current turn of the
   * event loop (`setImmediate`) before it goes, so the writes that the same turn's answers trigger leave
   * together. No timer: the wait is never longer than the turn.
   */
  sameTurn?: boolean;
}

/**
 * The settings every group commit of the service uses: one round trip in flight, the writes of a turn of
 * the event loop sent together, at most 64 per round trip. One in flight rather than four sent fewer,
 * fuller batches for the same load (docs/performance.md, "Group commit that groups").
 */
export const GROUP_COMMIT: InsertBatcherOptions = { maxBatch: 64, maxInFlight: 1, sameTurn: true };

interface Waiting<T, R> {
  item: T;
  resolve(result: R): void;
  reject(err: unknown): void;
}

/**
 * The queue of a group commit: an item goes out at once while fewer than `maxInFlight` batches are in
 * flight (with `sameTurn`, at the end of the current turn of the event loop, with the others of that
 * turn); the ones arriving meanwhile queue and leave together (at most `maxBatch`) as soon as a batch
 * returns. No timer: a lone item waits for no clock, a busy process sends one round trip for many.
 * `send` answers every caller of its batch.
 */
abstract class GroupCommit<T, R> {
  private readonly queue: Waiting<T, R>[] = [];
  private inFlight = 0;
  private turnScheduled = false;

  constructor(private readonly options: InsertBatcherOptions) {}

  protected enqueue(item: T): Promise<R> {
    return new Promise<R>((resolve, reject) => {
      this.queue.push({ item, resolve, reject });
      if (!this.options.sameTurn) return this.flush();
      if (this.turnScheduled) return;
      this.turnScheduled = true;
      setImmediate(() => {
        this.turnScheduled = false;
        this.flush();
      });
    });
  }

  /** One round trip for the items of a batch. */
  protected abstract sendBatch(items: T[]): Promise<unknown>;
  /** The order the items of a batch are sent in (`Array.sort`'s compare); none: the order they came in. */
  protected order?(a: T, b: T): number;
  /** The answer of an item that was written. */
  protected abstract written(): R;
  /** The answer of an item whose write failed on its own (a value, or the error to reject it with). */
  protected abstract failedAlone(writeError: WriteError, err: unknown): R | Error;

  /**
   * Sends a batch and answers each caller with its own outcome. An error that is not per item (the
   * connection dropped, the server is down) leaves every item of the batch unknown: each caller gets it.
   */
  private async send(batch: Waiting<T, R>[]): Promise<void> {
    try {
      await this.sendBatch(batch.map((w) => w.item));
      for (const w of batch) w.resolve(this.written());
    } catch (err) {
      const writeErrors = writeErrorsOf(err);
      if (writeErrors.length === 0) {
        for (const w of batch) w.reject(err);
        return;
      }
      const failed = new Map(writeErrors.map((we) => [we.index, we]));
      batch.forEach((w, i) => {
        const we = failed.get(i);
        const answer = we ? this.failedAlone(we, err) : this.written();
        if (answer instanceof Error) w.reject(answer);
        else w.resolve(answer);
      });
    }
  }

  private flush(): void {
    while (this.inFlight < this.options.maxInFlight && this.queue.length > 0) {
      const batch = this.queue.splice(0, this.options.maxBatch);
      if (this.order) batch.sort((a, b) => this.order!(a.item, b.item));
      this.inFlight++;
      void this.send(batch).finally(() => {
        this.inFlight--;
        this.flush();
      });
    }
  }
}

interface WriteError {
  index: number;
  code?: number;
  errmsg?: string;
}

/** The per-document errors of a bulk write (empty when the error is not per document). */
function writeErrorsOf(err: unknown): WriteError[] {
  return err instanceof MongoBulkWriteError ? ([] as WriteError[]).concat(err.writeErrors ?? []) : [];
}

/** A per-document error as the error its caller gets. */
function serverError(we: WriteError, err: unknown): MongoServerError {
  return new MongoServerError({ message: we.errmsg ?? (err as Error).message, errmsg: we.errmsg, code: we.code });
}

/**
 * Group commit for claims by insert: concurrent `insert(doc)` calls of one process share `insertMany`
 * round trips (`ordered: false`), each caller answered with its own outcome exactly as `insertIfAbsent`
 * would: `true` when its document was inserted, `false` when a unique key (`_id` or another unique
 * index) was already taken, its own error otherwise.
 *
 * A busy process sends one round trip (and, on FerretDB, one PostgreSQL commit) for many inserts.
 * The batcher decides nothing: every race is still decided by the unique indexes, document by document.
 * With `ordered: false` a duplicate fails only its own document. An error that is not per document (the
 * connection dropped, the server is down) leaves every document of that batch unknown, and each of its
 * callers gets that error (a caller may retry the same insert: its unique keys make that safe).
 *
 * A batch goes out sorted by `_id`. PostgreSQL (behind FerretDB) inserts a batch's rows in the order
 * given, and an insert whose unique key another transaction has inserted and not committed yet waits for
 * that transaction. Two batches taking the same keys in opposite orders (a process's debits and another
 * process's credits racing for the same wallets' next slots: `_id` = `<wallet>:<seq>`) would each wait
 * for the other until PostgreSQL's deadlock check (`deadlock_timeout`, 1 s) aborts one, whose documents
 * FerretDB then inserts again one by one: a second's stall for every caller of both. In one order, the
 * later batch only waits for the earlier one's commit (docs/performance.md, "A second's stall: two
 * batches in opposite orders"). On MongoDB the order changes nothing.
 */
export class InsertBatcher<T extends object> extends GroupCommit<T, boolean> {
  constructor(
    private readonly target: InsertManyTarget<T>,
    options: InsertBatcherOptions,
  ) {
    super(options);
  }

  /** Inserts the document: true if inserted, false if a unique key was already taken. */
  insert(doc: T): Promise<boolean> {
    return this.enqueue(doc);
  }

  protected sendBatch(docs: T[]): Promise<unknown> {
    return this.target.insertMany(docs, { ordered: false });
  }

  protected override order(a: T, b: T): number {
    const x = String((a as { _id?: unknown })._id);
    const y = String((b as { _id?: unknown })._id);
    return x < y ? -1 : x > y ? 1 : 0;
  }

  protected written(): boolean {
    return true;
  }

  protected failedAlone(we: WriteError, err: unknown): boolean | Error {
    return isDuplicateKeyError(we) ? false : serverError(we, err);
  }
}

/** What the write batcher needs of a collection (the driver's `Collection`, or a fake in unit tests). */
export interface BulkWriteTarget<T extends Document> {
  bulkWrite(ops: AnyBulkWriteOperation<T>[], options: { ordered: false }): Promise<unknown>;
}

/**
 * Group commit for writes that claim nothing (a status set on a projection): concurrent
 * `write(op)` calls of one process share `bulkWrite` round trips (`ordered: false`), each caller answered
 * with its own outcome. Every such write must be one that is safe to repeat (a plain `$set` of values that
 * are the same whoever writes them, a delete by `_id`): a caller that got an error may send it again.
 * On FerretDB each write of a batch is still its own PostgreSQL statement; what is shared is the round
 * trip and the command.
 */
export class BulkWriteBatcher<T extends Document> extends GroupCommit<AnyBulkWriteOperation<T>, void> {
  constructor(
    private readonly target: BulkWriteTarget<T>,
    options: InsertBatcherOptions,
  ) {
    super(options);
  }

  write(op: AnyBulkWriteOperation<T>): Promise<void> {
    return this.enqueue(op);
  }

  protected sendBatch(ops: AnyBulkWriteOperation<T>[]): Promise<unknown> {
    return this.target.bulkWrite(ops, { ordered: false });
  }

  protected written(): void {
    return undefined;
  }

  protected failedAlone(we: WriteError, err: unknown): Error {
    return serverError(we, err);
  }
}

/** What the removal batcher needs of a collection (the driver's `Collection`, or a fake in unit tests). */
export interface DeleteManyTarget {
  deleteMany(filter: { _id: { $in: string[] } }): Promise<unknown>;
}

/**
 * Group commit for removals by `_id`: concurrent `remove(id)` calls of one process share one
 * `deleteMany({ _id: { $in: ids } })`, so a batch is one statement. A `bulkWrite` of `deleteOne`s is one
 * PostgreSQL transaction per document on FerretDB (a read by `_id`, then the delete); this is one read
 * and one delete for the whole batch. FerretDB does not push `$in` down to PostgreSQL, so that read is a
 * scan of the collection: use it only for a collection that stays small (the pending-transfer markers:
 * as many as there are unsettled transfers). On MongoDB it is an `_id` index lookup.
 * Removing what is already gone is a no-op, so a caller that got an error may send it again.
 */
export class RemoveBatcher extends GroupCommit<string, void> {
  constructor(
    private readonly target: DeleteManyTarget,
    options: InsertBatcherOptions,
  ) {
    super(options);
  }

  remove(id: string): Promise<void> {
    return this.enqueue(id);
  }

  protected sendBatch(ids: string[]): Promise<unknown> {
    return this.target.deleteMany({ _id: { $in: [...new Set(ids)] } });
  }

  protected written(): void {
    return undefined;
  }

  /** Not reached in practice: a `deleteMany` fails as a whole, never per document. */
  protected failedAlone(we: WriteError, err: unknown): Error {
    return serverError(we, err);
  }
}

/** The index of the first document a bulk insert could not write, or null when the error is not per document. */
export function firstWriteError(err: unknown): number | null {
  if (!(err instanceof MongoBulkWriteError)) return null;
  const writeErrors = ([] as Array<{ index: number }>).concat((err.writeErrors ?? []) as never);
  return writeErrors.length ? Math.min(...writeErrors.map((we) => we.index)) : null;
}
