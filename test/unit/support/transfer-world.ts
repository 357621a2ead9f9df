import type { CommandBus } from '@nestjs/cqrs';
import type { Job } from 'bull';
import type { AppConfig } from '../../../src/config/app-config';
import { CreateTransferCommand, CreateTransferResult } from '../../../src/modules/transfers/commands/create-transfer/create-transfer.command';
import { CreateTransferHandler } from '../../../src/modules/transfers/commands/create-transfer/create-transfer.handler';
import { ExecuteTransferCommand } from '../../../src/modules/transfers/commands/execute-transfer/execute-transfer.command';
import { ExecuteTransferHandler } from '../../../src/modules/transfers/commands/execute-transfer/execute-transfer.handler';
import { RecoverPendingTransfersCommand } from '../../../src/modules/transfers/commands/recover-pending-transfers/recover-pending-transfers.command';
import { RecoverPendingTransfersHandler } from '../../../src/modules/transfers/commands/recover-pending-transfers/recover-pending-transfers.handler';
import { TransferProcessor } from '../../../src/modules/transfers/queue/transfer.processor';
import type { TransferJobData } from '../../../src/modules/transfers/queue/transfer-queue';
import type { UserStates } from '../../../src/modules/users/persistence/user-states';
import { WalletAccess } from '../../../src/modules/wallet/domain/wallet-access';
import { transferStatusOf } from '../../../src/modules/transfers/domain/transfer-status';
import type { TransferStatus } from '../../../src/modules/transfers/persistence/transfer.schemas';
import { Faults } from './faults';
import { InMemoryLedger } from './in-memory-ledger';
import { InMemoryIdempotency, InMemoryQueue, InMemoryStatusEvents, InMemoryTransferStore, InMemoryUsers, ManualClock, RecordedEvents } from './in-memory-transfers';

export const MAX_BALANCE = 10_000_000;
export const SWEEP_MIN_AGE_MS = 60_000;
export const ATTEMPTS = 3;

/** What a run that may crash came to: its result, its error, or the point its process died at. */
export type Run<T> = { ok: true; value: T } | { ok: false; error: unknown } | { crashed: string };

/**
 * Everything the transfer handlers talk to, in memory, with the real handler classes built over it
 * (no Nest application, no database, no Redis). The stores stand for the database and Redis and
 * outlive any handler; each actor (a request, a job attempt, a sweep) gets fresh handler instances,
 * as a new process would.
 */
/** The usual cast: alice with 1,000 and bob with nothing. */
export function aliceAndBob(): TransferWorld {
  const world = new TransferWorld();
  world.user('alice', 1_000);
  world.user('bob', 0);
  return world;
}

export class TransferWorld {
  readonly faults = new Faults();
  readonly clock = new ManualClock();
  readonly ledger = new InMemoryLedger(MAX_BALANCE, this.faults, () => this.clock.now());
  readonly store = new InMemoryTransferStore(this.faults);
  readonly users = new InMemoryUsers(this.faults);
  readonly queue = new InMemoryQueue(this.faults);
  readonly events = new RecordedEvents();
  readonly statusEvents = new InMemoryStatusEvents(this.faults);
  readonly idempotency = new InMemoryIdempotency();
  readonly config = {
    maxBalance: MAX_BALANCE,
    maxTransactionAmount: MAX_BALANCE,
    sweepMinAgeMs: SWEEP_MIN_AGE_MS,
    transferAttempts: ATTEMPTS,
    timeZone: 'Asia/Jakarta',
  } as AppConfig;
  /** Money that entered the wallets from outside (top-ups): what the balances and the transfers in flight add up to. */
  seeded = 0;

  /** A user with a wallet holding `balance` (one top-up). */
  user(id: string, balance = 0, over: { status?: 'ACTIVE' | 'DEACTIVATED'; wallet_frozen?: boolean } = {}): string {
    this.users.add(id, over as never);
    if (balance > 0) this.topUp(id, balance);
    return id;
  }

  topUp(walletId: string, amount: number): void {
    this.ledger.seed(walletId, amount);
    this.seeded += amount;
  }

  createHandler(): CreateTransferHandler {
    const access = new WalletAccess(this.users as unknown as UserStates, this.config);
    return new CreateTransferHandler(this.ledger, this.idempotency, access, this.users, this.store, this.queue, this.config, this.clock);
  }

  executeHandler(): ExecuteTransferHandler {
    return new ExecuteTransferHandler(this.store, this.ledger, this.users, this.events, this.statusEvents, this.clock);
  }

  recoverHandler(): RecoverPendingTransfersHandler {
    return new RecoverPendingTransfersHandler(this.store, this.queue, this.clock);
  }

  /** `POST /transfer` as its handler sees it. */
  create(sender: string, receiver: string, amount: number, key?: string, remarks = 'rent'): Promise<CreateTransferResult> {
    return this.createHandler().execute(new CreateTransferCommand(sender, receiver, amount, remarks, key));
  }

  /** The transfer's status as `GET /transfers/:id` shows it: its record's, or SUCCESS when its success event exists (`transferStatusOf`). */
  statusOf(transferId: string): TransferStatus | undefined {
    const record = this.store.transfers.get(transferId);
    return record && transferStatusOf(record, this.statusEvents.succeeded(transferId));
  }

  /** One execution of a transfer, as a job attempt runs it. */
  execute(transferId: string, failReason?: string) {
    return this.executeHandler().execute(new ExecuteTransferCommand(transferId, failReason));
  }

  /** Runs `work`, reporting a crash of its process (a fault with `crashOn`) instead of waiting forever. */
  async attempt<T>(work: () => Promise<T>): Promise<Run<T>> {
    const crashed = this.faults.whenCrashed().then((point) => ({ crashed: point }) as const);
    return Promise.race([work().then((value) => ({ ok: true, value }) as const, (error: unknown) => ({ ok: false, error }) as const), crashed]);
  }

  /**
   * One attempt of a transfer's job, through the real `TransferProcessor` (its last attempt fails the
   * transfer with `RETRIES_EXHAUSTED`). Bull's bookkeeping: completed, retried (waiting), failed for good,
   * or, when the worker died, left active until the stalled-job check.
   */
  async runJob(transferId: string): Promise<Run<unknown>> {
    const job = this.queue.jobs.get(transferId)!;
    job.state = 'active';
    const bus = { execute: (cmd: ExecuteTransferCommand) => this.executeHandler().execute(cmd) } as unknown as CommandBus;
    // handle() is all a run uses: the queue and the config only matter when the processor registers itself with Bull.
    const processor = new TransferProcessor(bus, null as never, this.config, null as never);
    const bullJob = { data: job.data, attemptsMade: job.attemptsMade, opts: { attempts: ATTEMPTS } } as unknown as Job<TransferJobData>;
    const run = await this.attempt(() => processor.handle(bullJob));
    if ('crashed' in run) return run;
    if (run.ok) job.state = 'completed';
    else job.state = ++job.attemptsMade >= ATTEMPTS ? 'failed' : 'waiting';
    return run;
  }

  /** Runs waiting jobs (attempt after attempt, backoff skipped) until none waits. */
  async drainJobs(maxRounds = 20): Promise<void> {
    for (let round = 0; round < maxRounds && this.queue.waiting().length; round++) {
      for (const id of this.queue.waiting()) await this.runJob(id);
    }
  }

  /** The periodic recovery sweep, once the markers are old enough. */
  async sweep() {
    this.clock.advance(SWEEP_MIN_AGE_MS + 1);
    return this.recoverHandler().execute(new RecoverPendingTransfersCommand(SWEEP_MIN_AGE_MS));
  }

  /**
   * After the faults: processes restart (stalled jobs go back to waiting), the workers drain the queue
   * and the sweep re-enqueues what is left, until nothing is pending or `rounds` runs out.
   */
  async recover(rounds = 5): Promise<void> {
    this.faults.heal();
    for (let i = 0; i < rounds; i++) {
      this.queue.recoverStalled();
      await this.drainJobs();
      await this.sweep();
      await this.drainJobs();
      if (this.store.pending.size === 0 && this.queue.waiting().length === 0) return;
    }
  }

  transferIds(): string[] {
    const ids = new Set<string>([...this.store.transfers.keys(), ...this.store.pending.keys()]);
    for (const e of this.ledger.entries.values()) if (e.op_id.startsWith('TRANSFER:')) ids.add(e.ref_id);
    return [...ids];
  }

  /** The settlement entries (credit or refund, whatever their op id) of a transfer. */
  settlements(transferId: string) {
    return [...this.ledger.entries.values()].filter((e) => e.ref_id === transferId && (e.entry_type === 'TRANSFER_IN' || e.entry_type === 'TRANSFER_REFUND'));
  }

  debitOf(transferId: string) {
    return [...this.ledger.entries.values()].filter((e) => e.ref_id === transferId && e.entry_type === 'TRANSFER_OUT');
  }
}
