import { MongoBulkWriteError, MongoServerError } from 'mongodb';
import { isDuplicateKeyError } from './mongo-errors';

/** What the batcher needs of a collection (the driver's `Collection`, or a fake in unit tests). */
export interface InsertManyTarget<T> {
  insertMany(docs: T[], options: { ordered: false }): Promise<unknown>;
}

export interface InsertBatcherOptions {
  /** Most documents in one `insertMany`. */
  maxBatch: number;
  /** Most `insertMany` calls in flight at once; inserts arriving while all are busy wait and go together. */
  maxInFlight: number;
}

interface Waiting<T> {
  doc: T;
  resolve(inserted: boolean): void;
  reject(err: unknown): void;
}

/**
 * Group commit for claims by insert: concurrent `insert(doc)` calls of one process share `insertMany`
 * round trips (`ordered: false`), each caller answered with its own outcome exactly as `insertIfAbsent`
 * would: `true` when its document was inserted, `false` when a unique key (`_id` or another unique
 * index) was already taken, its own error otherwise.
 *
 * No timer: an insert goes out at once while fewer than `maxInFlight` batches are in flight; the ones
 * arriving meanwhile queue and leave together as soon as a batch returns. A lone insert pays no extra
 * latency, a busy process sends one round trip (and, on FerretDB, one PostgreSQL commit) for many.
 *
 * The batcher decides nothing: every race is still decided by the unique indexes, document by document.
 * With `ordered: false` a duplicate fails only its own document. An error that is not per document (the
 * connection dropped, the server is down) leaves every document of that batch unknown, and each of its
 * callers gets that error (a caller may retry the same insert: its unique keys make that safe).
 */
export class InsertBatcher<T extends object> {
  private readonly queue: Waiting<T>[] = [];
  private inFlight = 0;

  constructor(
    private readonly target: InsertManyTarget<T>,
    private readonly options: InsertBatcherOptions,
  ) {}

  /** Inserts the document: true if inserted, false if a unique key was already taken. */
  insert(doc: T): Promise<boolean> {
    return new Promise<boolean>((resolve, reject) => {
      this.queue.push({ doc, resolve, reject });
      this.flush();
    });
  }

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

  private async send(batch: Waiting<T>[]): Promise<void> {
    try {
      await this.target.insertMany(
        batch.map((w) => w.doc),
        { ordered: false },
      );
      for (const w of batch) w.resolve(true);
    } catch (err) {
      const writeErrors = err instanceof MongoBulkWriteError ? ([] as Array<{ index: number; code?: number; errmsg?: string }>).concat(err.writeErrors ?? []) : [];
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

/** The index of the first document a bulk insert could not write, or null when the error is not per document. */
export function firstWriteError(err: unknown): number | null {
  if (!(err instanceof MongoBulkWriteError)) return null;
  const writeErrors = ([] as Array<{ index: number }>).concat((err.writeErrors ?? []) as never);
  return writeErrors.length ? Math.min(...writeErrors.map((we) => we.index)) : null;
}
