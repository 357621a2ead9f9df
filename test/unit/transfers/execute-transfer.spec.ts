import { transferSucceededKey } from '../../../src/modules/status-events';
import { Logger } from '@nestjs/common';
import { TransferCompletedEvent, TransferFailedEvent } from '../../../src/modules/transfers/domain/transfer.events';
import { RefundHeldError } from '../../../src/modules/transfers/domain/transfer.errors';
import { transferLeg } from '../../../src/modules/transfers/domain/transfer-legs';
import { checkInvariants } from '../support/invariants';
import { ATTEMPTS, MAX_BALANCE, TransferWorld, aliceAndBob } from '../support/transfer-world';

/** The execution of an accepted transfer: once-only settlement, whatever runs it, how often, and how they race. */
describe('ExecuteTransferHandler (in-memory ports)', () => {
  let world: TransferWorld;
  beforeAll(() => Logger.overrideLogger(false));
  beforeEach(() => {
    world = aliceAndBob();
  });

  /** An accepted transfer (debited, recorded, marked, enqueued), not executed yet. */
  async function accepted(amount = 300, sender = 'alice', receiver = 'bob'): Promise<string> {
    const { transfer_id } = await world.create(sender, receiver, amount);
    return transfer_id;
  }

  it('credits the receiver once and completes the transfer', async () => {
    const id = await accepted();
    await expect(world.execute(id)).resolves.toEqual({ status: 'SUCCESS' });
    expect(world.ledger.balance('alice')).toBe(700);
    expect(world.ledger.balance('bob')).toBe(300);
    expect(world.statusOf(id)).toBe('SUCCESS');
    expect(world.store.transfers.get(id)).toMatchObject({ failure_reason: null });
    // A success is its event alone (on the debit entry's page): neither the record nor the debit entry is written again.
    expect(world.faults.count('store.setStatus')).toBe(0);
    expect(world.faults.count('ledger.setStatus')).toBe(0);
    const debit = world.debitOf(id)[0];
    expect(world.ledger.entries.get(debit._id)?.status).toBe('PENDING');
    expect(world.statusEvents.byKey.get(transferSucceededKey(id))).toMatchObject({ pageKey: debit.page_key, afterSeq: debit.seq });
    // Without a payload: the debit entry at afterSeq is its payload when read.
    expect(world.statusEvents.byKey.get(transferSucceededKey(id))).not.toHaveProperty('data');
    expect(world.events.of(id)).toEqual([new TransferCompletedEvent(id, 300)]);
    checkInvariants(world, { settled: true });
  });

  it('duplicate job: the same transfer executed twice in sequence credits once', async () => {
    const id = await accepted();
    await world.execute(id);
    // The record still says PENDING (a success is written on the debit entry only): the second run reads
    // the debit entry, finds it SUCCESS and only clears the marker, without posting or writing again.
    const work = () => ['ledger.post', 'ledger.setStatus', 'statusEvents.record', 'users.findById'].map((n) => world.faults.count(n));
    const before = work();
    await expect(world.execute(id)).resolves.toEqual({ status: 'SUCCESS' });
    expect(work()).toEqual(before);
    // And as duplicate jobs: the sweep (or a replayed add) queues it again after it completed.
    await world.drainJobs();
    expect(await world.queue.ensureQueued(id)).toBe(true);
    await world.drainJobs();
    expect(world.settlements(id)).toHaveLength(1);
    expect(world.ledger.balance('bob')).toBe(300);
    expect(world.events.of(id)).toHaveLength(1);
    expect(world.statusEvents.byKey.size).toBe(1);
    checkInvariants(world, { settled: true });
  });

  it.each([2, 5])('concurrent runs: %i executions at once credit once', async (n) => {
    const id = await accepted();
    world.faults.barrier('ledger.post', n); // all of them reach the settlement insert before any lands
    const results = await Promise.all(Array.from({ length: n }, () => world.execute(id)));
    expect(results).toEqual(Array(n).fill({ status: 'SUCCESS' }));
    expect(world.settlements(id)).toHaveLength(1);
    expect(world.ledger.balance('bob')).toBe(300);
    expect(world.statusEvents.byKey.size).toBe(1);
    checkInvariants(world, { settled: true });
  });

  describe('outcome race: a credit and a refund (retries exhausted) of the same transfer', () => {
    it('racing at the settlement insert: exactly one lands, both runs answer it', async () => {
      const id = await accepted();
      world.faults.barrier('ledger.post', 2);
      const [a, b] = await Promise.all([world.execute(id), world.execute(id, 'RETRIES_EXHAUSTED')]);
      expect(world.settlements(id)).toHaveLength(1);
      const status = world.store.transfers.get(id)!.status;
      expect([a.status, b.status]).toEqual([status, status]);
      checkInvariants(world, { settled: true });
    });

    it('the refund lands while the credit is on its way: the credit run finds the refund', async () => {
      const id = await accepted();
      let refund: unknown;
      world.faults.on('ledger.post', async () => {
        refund = await world.execute(id, 'RETRIES_EXHAUSTED');
      });
      await expect(world.execute(id)).resolves.toEqual({ status: 'FAILED' });
      expect(refund).toEqual({ status: 'FAILED' });
      expect(world.settlements(id).map((e) => e.entry_type)).toEqual(['TRANSFER_REFUND']);
      expect(world.ledger.balance('alice')).toBe(1_000);
      expect(world.ledger.balance('bob')).toBe(0);
      // The credit run read the record before the refund run finished it; it finds the refund run's
      // status and keeps its reason: one status write, one TransferFailedEvent.
      expect(world.store.transfers.get(id)).toMatchObject({ status: 'FAILED', failure_reason: 'RETRIES_EXHAUSTED' });
      expect(world.events.of(id).map((e) => (e as TransferFailedEvent).reason)).toEqual(['RETRIES_EXHAUSTED']);
      checkInvariants(world, { settled: true });
    });

    it('the credit lands while the refund is on its way: the refund run finds the credit', async () => {
      const id = await accepted();
      world.faults.on('ledger.post', async () => {
        await world.execute(id);
      });
      await expect(world.execute(id, 'RETRIES_EXHAUSTED')).resolves.toEqual({ status: 'SUCCESS' });
      expect(world.settlements(id).map((e) => e.entry_type)).toEqual(['TRANSFER_IN']);
      expect(world.ledger.balance('bob')).toBe(300);
      checkInvariants(world, { settled: true });
    });
  });

  it('retries exhausted: every attempt fails, the last one refunds once and fails the transfer', async () => {
    const id = await accepted();
    // The receiver's credit cannot be written (the database refuses it) on any attempt.
    const isCredit = (args: unknown[]) => (args[0] as { walletId: string }).walletId === 'bob';
    for (let i = 1; i <= ATTEMPTS; i++) world.faults.failOn('ledger.post', i, 'before', isCredit);
    await world.drainJobs();
    expect(world.queue.jobs.get(id)).toMatchObject({ state: 'completed', attemptsMade: ATTEMPTS - 1 });
    expect(world.store.transfers.get(id)).toMatchObject({ status: 'FAILED', failure_reason: 'RETRIES_EXHAUSTED' });
    expect(world.settlements(id).map((e) => e.entry_type)).toEqual(['TRANSFER_REFUND']);
    expect(world.ledger.balance('alice')).toBe(1_000);
    expect(world.events.of(id)).toEqual([new TransferFailedEvent(id, 300, 'RETRIES_EXHAUSTED', true)]);
    // A later run (the sweep, a duplicate job) changes nothing.
    await world.execute(id, 'RETRIES_EXHAUSTED');
    await world.execute(id);
    expect(world.settlements(id)).toHaveLength(1);
    checkInvariants(world, { settled: true });
  });

  it.each([
    ['frozen', { wallet_frozen: true }, 'RECEIVER_WALLET_FROZEN'],
    ['deactivated', { status: 'DEACTIVATED' as const }, 'RECEIVER_INACTIVE'],
  ])('receiver %s after the transfer was accepted: refunded', async (_, change, reason) => {
    const id = await accepted();
    world.users.set('bob', change);
    await expect(world.execute(id)).resolves.toEqual({ status: 'FAILED' });
    expect(world.store.transfers.get(id)).toMatchObject({ status: 'FAILED', failure_reason: reason });
    expect(world.settlements(id).map((e) => e.entry_type)).toEqual(['TRANSFER_REFUND']);
    expect(world.ledger.balance('alice')).toBe(1_000);
    expect(world.ledger.balance('bob')).toBe(0);
    expect(world.events.of(id)).toEqual([new TransferFailedEvent(id, 300, reason, true)]);
    // Unfrozen or reactivated later: the transfer stays refunded.
    world.users.set('bob', { wallet_frozen: false, status: 'ACTIVE' });
    await world.execute(id);
    expect(world.settlements(id)).toHaveLength(1);
    checkInvariants(world, { settled: true });
  });

  it('receiver frozen between the status check and the credit: the credit decided on the read stands (one outcome)', async () => {
    const id = await accepted();
    world.faults.on('users.findById', () => world.users.set('bob', { wallet_frozen: true }), 'after');
    await world.execute(id);
    await world.execute(id);
    expect(world.settlements(id)).toHaveLength(1);
    checkInvariants(world, { settled: true });
  });

  it('receiver over the cap: the credit is refused by the ledger and the sender refunded', async () => {
    world.user('carol', MAX_BALANCE - 100);
    const id = await accepted(300, 'alice', 'carol');
    await expect(world.execute(id)).resolves.toEqual({ status: 'FAILED' });
    expect(world.store.transfers.get(id)).toMatchObject({ status: 'FAILED', failure_reason: 'RECEIVER_BALANCE_LIMIT' });
    expect(world.ledger.balance('carol')).toBe(MAX_BALANCE - 100);
    expect(world.ledger.balance('alice')).toBe(1_000);
    checkInvariants(world, { settled: true });
  });

  it('receiver over the cap and the refund does not fit either: held (PENDING, marker kept), refunded once the sender has room', async () => {
    world.user('carol', MAX_BALANCE - 100);
    const id = await accepted(300, 'alice', 'carol');
    // The sender fills the wallet up to the cap while the transfer is in flight.
    world.topUp('alice', MAX_BALANCE - world.ledger.balance('alice'));
    await expect(world.execute(id)).rejects.toBeInstanceOf(RefundHeldError);
    expect(world.store.transfers.get(id)).toMatchObject({ status: 'PENDING', hold_reason: 'RECEIVER_BALANCE_LIMIT' });
    expect(world.store.pending.has(id)).toBe(true);
    expect(world.settlements(id)).toHaveLength(0);
    checkInvariants(world, { settled: true, held: [id] });

    // The jobs and the sweep keep retrying; the job fails for good, the marker stays, nothing moves.
    await world.recover(2);
    expect(world.settlements(id)).toHaveLength(0);
    checkInvariants(world, { settled: true, held: [id] });

    // The receiver now has room, but a held transfer is refunded, not credited again.
    await world.ledger.post({ opId: 'PAYMENT:carol', walletId: 'carol', entryType: 'PAYMENT', direction: 'DEBIT', amount: 1_000, refId: 'p1' });
    await world.ledger.post({ opId: 'PAYMENT:alice', walletId: 'alice', entryType: 'PAYMENT', direction: 'DEBIT', amount: 500, refId: 'p2' });
    world.seeded -= 1_500;
    await world.recover();
    expect(world.settlements(id).map((e) => e.entry_type)).toEqual(['TRANSFER_REFUND']);
    expect(world.store.transfers.get(id)).toMatchObject({ status: 'FAILED', failure_reason: 'RECEIVER_BALANCE_LIMIT' });
    expect(world.ledger.balance('alice')).toBe(MAX_BALANCE - 500 + 300);
    checkInvariants(world, { settled: true });
  });

  describe('records of earlier versions (no debit_entry_id)', () => {
    const legacyRecord = (id: string) => ({ _id: id, sender_id: 'alice', receiver_id: 'bob', amount: 300, remarks: 'old', status: 'PENDING' as const, failure_reason: null, created_at: new Date(0), updated_at: new Date(0), completed_at: null });

    it('recorded before its debit, and the debit never happened: REJECTED once, FAILED, nothing moves', async () => {
      world.store.transfers.set('old1', legacyRecord('old1'));
      await expect(world.execute('old1')).resolves.toEqual({ status: 'FAILED' });
      await expect(world.execute('old1')).resolves.toEqual({ status: 'FAILED' });
      expect(world.store.outcomes.get('old1')).toMatchObject({ outcome: 'REJECTED', reason: 'BALANCE_NOT_ENOUGH' });
      expect(world.store.transfers.get('old1')).toMatchObject({ status: 'FAILED', failure_reason: 'BALANCE_NOT_ENOUGH' });
      expect(world.ledger.balance('alice')).toBe(1_000);
      checkInvariants(world, { settled: true });
    });

    it.each([
      ['CREDIT', 'TRANSFER_IN', 'SUCCESS'],
      ['REFUND', 'TRANSFER_REFUND', 'FAILED'],
    ] as const)('debited, outcome %s claimed by the earlier version: settled that way under its own op id, once', async (outcome, entryType, status) => {
      world.store.transfers.set('old2', legacyRecord('old2'));
      await world.ledger.post({ opId: 'TRANSFER:old2:DEBIT', walletId: 'alice', entryType: 'TRANSFER_OUT', direction: 'DEBIT', amount: 300, refId: 'old2', counterpartyId: 'bob', remarks: 'old', status: 'PENDING' });
      world.store.outcomes.set('old2', { _id: 'old2', outcome, reason: outcome === 'REFUND' ? 'RECEIVER_INACTIVE' : null, decided_at: new Date(0) });
      await Promise.all([world.execute('old2'), world.execute('old2')]);
      await world.execute('old2');
      expect(world.settlements('old2').map((e) => [e.entry_type, e.op_id])).toEqual([[entryType, `TRANSFER:old2:${outcome}`]]);
      expect(world.store.transfers.get('old2')!.status).toBe(status);
      checkInvariants(world, { settled: true });
    });
  });

  it('a success event of an earlier version (no page_key, its debit entry still PENDING): the debit entry gets the SUCCESS', async () => {
    const id = await accepted();
    const record = world.store.transfers.get(id)!;
    const debit = world.debitOf(id)[0];
    // An earlier version credited, recorded the event (it had no page_key then) and died before writing the debit's SUCCESS.
    await world.ledger.post({ ...transferLeg('CREDIT', record), mayExist: true });
    await world.statusEvents.record({ userId: 'alice', key: transferSucceededKey(id), type: 'transfer.succeeded', afterSeq: debit.seq, createdAt: new Date(world.clock.now()), data: {} });
    // GET /transfers/:id shows it by the event already; the sender's report, by the debit entry once this run writes it.
    expect(world.statusOf(id)).toBe('SUCCESS');
    await expect(world.execute(id)).resolves.toEqual({ status: 'SUCCESS' });
    expect(world.ledger.entries.get(debit._id)?.status).toBe('SUCCESS');
    expect(world.settlements(id)).toHaveLength(1);
    expect(world.store.pending.has(id)).toBe(false);
    checkInvariants(world, { settled: true });
  });

  it('a transfer that was never accepted (no debit) is missing, and its marker is dropped', async () => {
    await world.store.markPending('ghost', new Date(world.clock.now()));
    await expect(world.execute('ghost')).resolves.toEqual({ status: 'MISSING' });
    expect(world.store.pending.has('ghost')).toBe(false);
    checkInvariants(world, { settled: true });
  });

  describe('the record the job carries (first attempt)', () => {
    it('settles from it without reading the stored record', async () => {
      const id = await accepted();
      expect(world.queue.jobs.get(id)!.data.accepted).toMatchObject({ _id: id, status: 'PENDING' });
      const reads = world.faults.count('store.findById');
      await world.drainJobs();
      expect(world.faults.count('store.findById')).toBe(reads);
      expect(world.statusOf(id)).toBe('SUCCESS');
      expect(world.events.of(id)).toEqual([new TransferCompletedEvent(id, 300)]);
      checkInvariants(world, { settled: true });
    });

    it('a first attempt run again after the transfer settled (a stalled job) changes nothing', async () => {
      const id = await accepted();
      await world.drainJobs();
      const settledAt = world.statusEvents.byKey.get(transferSucceededKey(id))!.createdAt;
      expect(settledAt).toEqual(expect.any(Date));
      const statusWrites = world.faults.count('store.setStatus') + world.faults.count('ledger.setStatus');
      world.clock.advance(1000);
      Object.assign(world.queue.jobs.get(id)!, { state: 'waiting', attemptsMade: 0 });
      await world.drainJobs();
      expect(world.statusEvents.byKey.get(transferSucceededKey(id))!.createdAt).toEqual(settledAt);
      expect(world.faults.count('store.setStatus') + world.faults.count('ledger.setStatus')).toBe(statusWrites);
      expect(world.events.of(id)).toHaveLength(1);
      expect(world.settlements(id)).toHaveLength(1);
      checkInvariants(world, { settled: true });
    });

    it('a first attempt run again after a refund keeps the recorded failure', async () => {
      const id = await accepted();
      world.users.set('bob', { wallet_frozen: true });
      await world.drainJobs();
      expect(world.store.transfers.get(id)).toMatchObject({ status: 'FAILED', failure_reason: 'RECEIVER_WALLET_FROZEN' });
      world.users.set('bob', { wallet_frozen: false });
      Object.assign(world.queue.jobs.get(id)!, { state: 'waiting', attemptsMade: 0 });
      await world.drainJobs();
      expect(world.store.transfers.get(id)).toMatchObject({ status: 'FAILED', failure_reason: 'RECEIVER_WALLET_FROZEN' });
      expect(world.events.of(id)).toHaveLength(1);
      expect(world.ledger.balance('alice')).toBe(1000);
      checkInvariants(world, { settled: true });
    });

    it('is not carried when the accepting request could not write the record (recovery rebuilds it)', async () => {
      world.faults.failOn('store.recordPending');
      const id = await accepted();
      expect(world.queue.jobs.get(id)!.data).toEqual({ transferId: id });
      await world.drainJobs();
      expect(world.store.transfers.get(id)).toMatchObject({ debit_entry_id: expect.any(String) });
      expect(world.statusOf(id)).toBe('SUCCESS');
      checkInvariants(world, { settled: true });
    });
  });
});

