import type { StatusEventInput } from '../../status-events';
import type { UserState } from '../../users';
import type { EntryStatus, LedgerEntry, Posting } from '../../wallet';
import type { TransferCompletedEvent, TransferFailedEvent } from '../domain/transfer.events';
import type { PendingTransferDocument, TransferDocument, TransferOutcome, TransferOutcomeDocument, TransferStatus } from '../persistence/transfer.schemas';

/**
 * What the transfer use cases (create, execute, recover) need from the rest of the system, one small
 * interface each. `transfers.module.ts` binds the real classes to these tokens (`useExisting`); the
 * unit tests (test/unit/transfers) give the handlers in-memory versions instead.
 */

/** The wallet ledger (`LedgerService`): every balance change is an insert claiming a unique op id. */
export interface TransferLedger {
  /** Applies the posting at most once (by `opId`) and returns its entry; refuses below 0 or above the maximum balance. */
  post(p: Posting): Promise<LedgerEntry>;
  findByOp(opId: string): Promise<LedgerEntry | null>;
  findEntry(entryId: string): Promise<LedgerEntry | null>;
  setStatus(entry: Pick<LedgerEntry, '_id'> & { status?: EntryStatus }, status: EntryStatus): Promise<void>;
}
export const TRANSFER_LEDGER = Symbol('TransferLedger');

/** Transfer records, pending markers, outcomes and holds (`TransfersRepository`). */
export interface TransferStore {
  findById(id: string): Promise<TransferDocument | null>;
  markPending(id: string, now: Date): Promise<void>;
  /** Inserts the record unless it exists (true when this call inserted it), and marks it pending again unless `markAgain` is false. */
  recordPending(transfer: TransferDocument, markAgain?: boolean): Promise<boolean>;
  claimOutcome(id: string, outcome: TransferOutcome, reason: string | null): Promise<TransferOutcomeDocument>;
  setStatus(id: string, status: TransferStatus, reason: string | null, now: Date): Promise<void>;
  findDecisions(id: string): Promise<{ outcome: TransferOutcomeDocument | null; hold: TransferOutcomeDocument | null }>;
  holdReason(transfer: TransferDocument): Promise<string | null>;
  holdRefund(transfer: TransferDocument, reason: string, now: Date): Promise<void>;
  clearPending(id: string): Promise<void>;
  listPendingBefore(cutoff: Date, limit: number): Promise<PendingTransferDocument[]>;
}
export const TRANSFER_STORE = Symbol('TransferStore');

/**
 * Users' states: the sender and receiver when accepting, the receiver's when settling (`UserStates`: from
 * the session cache, to which a deactivation or a freeze is published before it is answered, else MongoDB).
 */
export interface TransferUsers {
  findById(userId: string): Promise<UserState | null>;
  findByIds(userIds: string[]): Promise<Map<string, UserState>>;
}
export const TRANSFER_USERS = Symbol('TransferUsers');

/** The execution queue (`TransferQueue`): the job id is the transfer id. */
export interface TransferJobs {
  /** Adds the transfer's job; `accepted` (the record just inserted) lets its first attempt skip reading it. */
  enqueue(transferId: string, accepted?: TransferDocument): Promise<void>;
  /** Enqueues unless a live job exists; true when a job was added. */
  ensureQueued(transferId: string): Promise<boolean>;
  /** The transfers carried by live `execute-transfers` jobs, among the oldest `limit` of each state. */
  inLiveBatches(limit: number): Promise<Set<string>>;
}
export const TRANSFER_JOBS = Symbol('TransferJobs');

/** In-process domain events of settled transfers (the CQRS `EventBus`). */
export interface TransferEvents {
  publish(event: TransferCompletedEvent | TransferFailedEvent): void;
}
export const TRANSFER_EVENTS = Symbol('TransferEvents');

/**
 * The users' status-event log (`StatusEventLog`): an idempotent insert under the event's key. The
 * sender's `transfer.succeeded` event is also where a transfer's success is recorded (`transferStatusOf`).
 */
export interface TransferStatusEvents {
  /**
   * `inserted` is false when the event existed (recorded by an earlier or concurrent run); `event.page_key`
   * is missing on an event recorded by an earlier version (which wrote the success on the debit entry).
   */
  record(input: StatusEventInput): Promise<{ inserted: boolean; event: { page_key?: string } }>;
  findByKey(key: string): Promise<{ page_key?: string; created_at: Date } | null>;
}
export const TRANSFER_STATUS_EVENTS = Symbol('TransferStatusEvents');

/** The `Idempotency-Key` runner (`IdempotencyService`): the operation id the work runs under, and whether it may exist already. */
export interface TransferIdempotency {
  run<R>(req: { userId: string; scope: string; key?: string; body: unknown }, work: (opId: string, mayExist: boolean) => Promise<R>): Promise<R>;
}
export const TRANSFER_IDEMPOTENCY = Symbol('TransferIdempotency');

/** The time, in milliseconds (`Date.now` in the service). */
export interface TransferClock {
  now(): number;
}
export const TRANSFER_CLOCK = Symbol('TransferClock');
export const systemClock: TransferClock = { now: () => Date.now() };
