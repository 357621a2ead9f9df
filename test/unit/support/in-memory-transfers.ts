import { transferSucceededKey } from '../../../src/modules/status-events';
import type { StatusEventInput } from '../../../src/modules/status-events';
import type { TransferCompletedEvent, TransferFailedEvent } from '../../../src/modules/transfers/domain/transfer.events';
import type {
  PendingTransferDocument,
  TransferDocument,
  TransferOutcome,
  TransferOutcomeDocument,
  TransferStatus,
} from '../../../src/modules/transfers/persistence/transfer.schemas';
import type {
  TransferClock,
  TransferEvents,
  TransferIdempotency,
  TransferJobs,
  TransferStatusEvents,
  TransferStore,
  TransferUsers,
} from '../../../src/modules/transfers/ports/transfer.ports';
import type { UserRecord } from '../../../src/modules/users/persistence/users.repository';
import type { TransferJobData } from '../../../src/modules/transfers/queue/transfer-queue';
import { Faults } from './faults';

const clone = <T>(v: T): T => structuredClone(v);

/**
 * `TransfersRepository` in memory: `transfers`, `transfer_outcomes` and `pending_transfers`, each keyed
 * by a unique `_id` (an insert of an existing one is a no-op, as `insertIfAbsent` makes it). Calls go
 * through `faults` as `store.<method>`.
 */
export class InMemoryTransferStore implements TransferStore {
  readonly transfers = new Map<string, TransferDocument>();
  readonly outcomes = new Map<string, TransferOutcomeDocument>();
  readonly pending = new Map<string, PendingTransferDocument>();

  constructor(readonly faults: Faults) {}

  findById(id: string): Promise<TransferDocument | null> {
    return this.faults.call('store.findById', [id], () => (this.transfers.has(id) ? clone(this.transfers.get(id)!) : null));
  }

  markPending(id: string, now: Date): Promise<void> {
    return this.faults.call('store.markPending', [id], () => {
      if (!this.pending.has(id)) this.pending.set(id, { _id: id, created_at: now });
    });
  }

  async recordPending(transfer: TransferDocument, markAgain = true): Promise<boolean> {
    const inserted = await this.faults.call('store.recordPending', [transfer], () => {
      if (this.transfers.has(transfer._id)) return false;
      this.transfers.set(transfer._id, clone(transfer));
      return true;
    });
    if (markAgain) await this.markPending(transfer._id, transfer.created_at);
    return inserted;
  }

  claimOutcome(id: string, outcome: TransferOutcome, reason: string | null): Promise<TransferOutcomeDocument> {
    return this.faults.call('store.claimOutcome', [id, outcome], () => {
      if (!this.outcomes.has(id)) this.outcomes.set(id, { _id: id, outcome, reason, decided_at: new Date() });
      return clone(this.outcomes.get(id)!);
    });
  }

  setStatus(id: string, status: TransferStatus, reason: string | null, now: Date): Promise<void> {
    return this.faults.call('store.setStatus', [id, status], () => {
      const t = this.transfers.get(id);
      if (t) Object.assign(t, { status, failure_reason: reason, updated_at: now, completed_at: status === 'PENDING' ? null : now });
    });
  }

  findDecisions(id: string): Promise<{ outcome: TransferOutcomeDocument | null; hold: TransferOutcomeDocument | null }> {
    return this.faults.call('store.findDecisions', [id], () => ({
      outcome: this.outcomes.has(id) ? clone(this.outcomes.get(id)!) : null,
      hold: this.outcomes.has(`${id}:HOLD`) ? clone(this.outcomes.get(`${id}:HOLD`)!) : null,
    }));
  }

  holdReason(transfer: TransferDocument): Promise<string | null> {
    if (transfer.debit_entry_id) return Promise.resolve(transfer.hold_reason ?? null);
    return this.faults.call('store.holdReason', [transfer._id], () => this.outcomes.get(`${transfer._id}:HOLD`)?.reason ?? null);
  }

  holdRefund(transfer: TransferDocument, reason: string, now: Date): Promise<void> {
    return this.faults.call('store.holdRefund', [transfer._id, reason], () => {
      const t = this.transfers.get(transfer._id);
      if (transfer.debit_entry_id) {
        if (t) Object.assign(t, { hold_reason: reason, updated_at: now });
      } else if (!this.outcomes.has(`${transfer._id}:HOLD`)) {
        this.outcomes.set(`${transfer._id}:HOLD`, { _id: `${transfer._id}:HOLD`, outcome: 'HOLD', reason, decided_at: now });
      }
    });
  }

  clearPending(id: string): Promise<void> {
    return this.faults.call('store.clearPending', [id], () => {
      this.pending.delete(id);
    });
  }

  listPendingBefore(cutoff: Date, limit: number): Promise<PendingTransferDocument[]> {
    return this.faults.call('store.listPendingBefore', [cutoff], () =>
      [...this.pending.values()]
        .filter((p) => p.created_at < cutoff)
        .sort((a, b) => a.created_at.getTime() - b.created_at.getTime())
        .slice(0, limit)
        .map(clone),
    );
  }
}

/** Users by id (`UsersRepository`); `status` and `wallet_frozen` are what the transfer handlers read. */
export class InMemoryUsers implements TransferUsers {
  readonly users = new Map<string, UserRecord>();

  constructor(readonly faults: Faults) {}

  add(id: string, over: Partial<UserRecord> = {}): UserRecord {
    const now = new Date(0);
    const user = { _id: id, first_name: id, last_name: id, phone_number: `+62${this.users.size}`, address: '-', pin_hash: '-', role: 'USER', status: 'ACTIVE', wallet_frozen: false, token_version: 0, created_at: now, updated_at: now, ...over } as UserRecord;
    this.users.set(id, user);
    return user;
  }

  set(id: string, change: Partial<Pick<UserRecord, 'status' | 'wallet_frozen'>>): void {
    Object.assign(this.users.get(id)!, change);
  }

  findById(userId: string): Promise<UserRecord | null> {
    return this.faults.call('users.findById', [userId], () => (this.users.has(userId) ? clone(this.users.get(userId)!) : null));
  }

  findByIds(userIds: string[]): Promise<Map<string, UserRecord>> {
    return this.faults.call('users.findByIds', [userIds], () => new Map(userIds.filter((id) => this.users.has(id)).map((id) => [id, clone(this.users.get(id)!)])));
  }
}

export type JobState = 'waiting' | 'active' | 'completed' | 'failed';

/**
 * The Bull queue as `TransferQueue` uses it: the job id is the transfer id, so a transfer has at most
 * one job; `enqueue` of an existing id is a no-op (Bull ignores an add under an existing job id);
 * `ensureQueued` replaces a finished or lost job and leaves a live one (waiting or active) alone.
 */
export class InMemoryQueue implements TransferJobs {
  readonly jobs = new Map<string, { state: JobState; attemptsMade: number; data: TransferJobData }>();

  constructor(readonly faults: Faults) {}

  /** The job keeps its data as Redis does: JSON (dates become strings). */
  enqueue(transferId: string, accepted?: TransferDocument): Promise<void> {
    return this.faults.call('queue.enqueue', [transferId], () => {
      const data = JSON.parse(JSON.stringify(accepted ? { transferId, accepted } : { transferId })) as TransferJobData;
      if (!this.jobs.has(transferId)) this.jobs.set(transferId, { state: 'waiting', attemptsMade: 0, data });
    });
  }

  ensureQueued(transferId: string): Promise<boolean> {
    return this.faults.call('queue.ensureQueued', [transferId], () => {
      const job = this.jobs.get(transferId);
      if (job && (job.state === 'waiting' || job.state === 'active')) return false;
      this.jobs.set(transferId, { state: 'waiting', attemptsMade: 0, data: { transferId } });
      return true;
    });
  }

  /** Jobs of several transfers are not modelled here: every job is a transfer's own. */
  inLiveBatches(): Promise<Set<string>> {
    return Promise.resolve(new Set());
  }

  /** Redis lost its data (a flush): every job is gone. */
  flush(): void {
    this.jobs.clear();
  }

  /** Bull's stalled-job check after a worker died: its active jobs go back to waiting. */
  recoverStalled(): void {
    for (const job of this.jobs.values()) if (job.state === 'active') job.state = 'waiting';
  }

  waiting(): string[] {
    return [...this.jobs.entries()].filter(([, j]) => j.state === 'waiting').map(([id]) => id);
  }
}

/** The EventBus: what was published, in order. */
export class RecordedEvents implements TransferEvents {
  readonly published: (TransferCompletedEvent | TransferFailedEvent)[] = [];

  publish(event: TransferCompletedEvent | TransferFailedEvent): void {
    this.published.push(event);
  }

  of(transferId: string): (TransferCompletedEvent | TransferFailedEvent)[] {
    return this.published.filter((e) => e.transferId === transferId);
  }
}

/** `StatusEventLog`: one event per key (`<transfer id>:SUCCEEDED`), however many times it is recorded. */
export class InMemoryStatusEvents implements TransferStatusEvents {
  readonly byKey = new Map<string, StatusEventInput>();
  attempts = 0;

  constructor(readonly faults: Faults) {}

  record(input: StatusEventInput): Promise<{ inserted: boolean; event: { page_key?: string } }> {
    return this.faults.call('statusEvents.record', [input], () => {
      this.attempts++;
      const existing = this.byKey.get(input.key);
      if (existing) return { inserted: false, event: { page_key: existing.pageKey } };
      this.byKey.set(input.key, { ...clone(input), createdAt: new Date(input.createdAt) });
      return { inserted: true, event: { page_key: input.pageKey } };
    });
  }

  async findByKey(key: string): Promise<{ page_key?: string; created_at: Date } | null> {
    const e = this.byKey.get(key);
    return e ? { page_key: e.pageKey, created_at: e.createdAt } : null;
  }

  /** Whether the transfer's success is recorded (its sender's `transfer.succeeded` event). */
  succeeded(transferId: string): boolean {
    return this.byKey.has(transferSucceededKey(transferId));
  }
}

/**
 * `IdempotencyService.run`: without a key, a new operation id; with one, the key's first request fixes
 * the operation id, a later one with the key re-applies it (`mayExist`) unless an answer is stored.
 */
export class InMemoryIdempotency implements TransferIdempotency {
  private n = 0;
  readonly keys = new Map<string, { opId: string; answer?: { ok: true; result: unknown } | { ok: false; err: unknown } }>();

  async run<R>(req: { userId: string; scope: string; key?: string; body: unknown }, work: (opId: string, mayExist: boolean) => Promise<R>): Promise<R> {
    if (req.key === undefined) return work(this.newId(), false);
    const id = `${req.userId}:${req.scope}:${req.key}`;
    const existing = this.keys.get(id);
    if (existing?.answer) {
      if (existing.answer.ok) return existing.answer.result as R;
      throw existing.answer.err;
    }
    const record = existing ?? { opId: this.newId() };
    this.keys.set(id, record);
    try {
      const result = await work(record.opId, existing !== undefined);
      record.answer = { ok: true, result };
      return result;
    } catch (err) {
      if ((err as { status?: number }).status !== undefined && (err as { status: number }).status < 500) record.answer = { ok: false, err };
      throw err;
    }
  }

  newId(): string {
    return `t${++this.n}`;
  }
}

/** A clock the test moves by hand. */
export class ManualClock implements TransferClock {
  constructor(private ms = Date.UTC(2026, 0, 1)) {}

  now(): number {
    return this.ms;
  }

  advance(ms: number): void {
    this.ms += ms;
  }
}
