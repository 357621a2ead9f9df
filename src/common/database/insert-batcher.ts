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
}

interface Waiting<T, R> {
  item: T;
  resolve(result: R): void;
  reject(err: unknown): void;
}

/**
 * The queue of a group commit: an item goes out at once while fewer than `maxInFlight` batches are in
 * flight; the ones arriving meanwhile queue and leave together (at most `maxBatch`) as soon as a batch
 * returns. No timer: a lone item pays no extra latency, a busy process sends one round trip for many.
 * `send` answers every caller of its batch.
 */
abstract class GroupCommit<T, R> {
  private readonly queue: Waiting<T, R>[] = [];
  private inFlight = 0;

  constructor(private readonly options: InsertBatcherOptions) {}

  protected enqueue(item: T): Promise<R> {
    return new Promise<R>((resolve, reject) => {
      this.queue.push({ item, resolve, reject });
      this.flush();
    });
  }

  protected abstract send(batch: Waiting<T, R>[]): Promise<void>;

  private flush(): void {
    while (this.inFlight < this.options.maxInFlight && this.queue.length > 0) {
      const batch = this.queue.splice(0, this.options.maxBatch);
      this.inFlight++;
      void this.send(batch).finally(() => {
        this.inFlight--;
        this.flush();
      });
    }
  }
}

/** The per-document errors of a bulk write (empty when the error is not per document). */
function writeErrorsOf(err: unknown): Array<{ index: number; code?: number; errmsg?: string }> {
  return err instanceof MongoBulkWriteError ? ([] as Array<{ index: number; code?: number; errmsg?: string }>).concat(err.writeErrors ?? []) : [];
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

  protected async send(batch: Waiting<T, boolean>[]): Promise<void> {
    try {
      await this.target.insertMany(
        batch.map((w) => w.item),
        { ordered: false },
      );
      for (const w of batch) w.resolve(true);
    } catch (err) {
      const writeErrors = writeErrorsOf(err);
      if (writeErrors.length === 0) {
        for (const w of batch) w.reject(err);
        return;
      }
      const failed = new Map(writeErrors.map((we) => [we.index, we]));
      batch.forEach((w, i) => {
        const we = failed.get(i);
        if (!we) w.resolve(true);
        else if (isDuplicateKeyError(we)) w.resolve(false);
        else w.reject(new MongoServerError({ message: we.errmsg ?? (err as Error).message, errmsg: we.errmsg, code: we.code }));
      });
    }
  }
}

/** What the write batcher needs of a collection (the driver's `Collection`, or a fake in unit tests). */
export interface BulkWriteTarget<T extends Document> {
  bulkWrite(ops: AnyBulkWriteOperation<T>[], options: { ordered: false }): Promise<unknown>;
}

/**
 * Group commit for writes that claim nothing (a status set on a projection, a marker removed): concurrent
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

  protected async send(batch: Waiting<AnyBulkWriteOperation<T>, void>[]): Promise<void> {
    try {
      await this.target.bulkWrite(
        batch.map((w) => w.item),
        { ordered: false },
      );
      for (const w of batch) w.resolve();
    } catch (err) {
      const writeErrors = writeErrorsOf(err);
      if (writeErrors.length === 0) {
        for (const w of batch) w.reject(err);
        return;
      }
      const failed = new Map(writeErrors.map((we) => [we.index, we]));
      batch.forEach((w, i) => {
        const we = failed.get(i);
        if (!we) w.resolve();
        else w.reject(new MongoServerError({ message: we.errmsg ?? (err as Error).message, errmsg: we.errmsg, code: we.code }));
      });
    }
  }
}

/** The index of the first document a bulk insert could not write, or null when the error is not per document. */
export function firstWriteError(err: unknown): number | null {
  if (!(err instanceof MongoBulkWriteError)) return null;
  const writeErrors = ([] as Array<{ index: number }>).concat((err.writeErrors ?? []) as never);
  return writeErrors.length ? Math.min(...writeErrors.map((we) => we.index)) : null;
}
