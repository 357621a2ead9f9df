import { Logger } from '@nestjs/common';
import { UnauthenticatedError } from '../../../src/common/errors';
import { RecoverPendingTransfersCommand } from '../../../src/modules/transfers/commands/recover-pending-transfers/recover-pending-transfers.command';
import { ReceiverUnavailableError, SelfTransferError, TargetUserNotFoundError } from '../../../src/modules/transfers/domain/transfer.errors';
import { AccountInactiveError, AmountTooLargeError, BalanceNotEnoughError, WalletFrozenError } from '../../../src/modules/wallet/domain/wallet.errors';
import { checkInvariants } from '../support/invariants';
import { MAX_BALANCE, SWEEP_MIN_AGE_MS, TransferWorld, aliceAndBob } from '../support/transfer-world';

/** Accepting a transfer: the debit is the acceptance; an error answer means nothing moved. */
describe('CreateTransferHandler (in-memory ports)', () => {
  let world: TransferWorld;
  beforeAll(() => Logger.overrideLogger(false));
  beforeEach(() => {
    world = aliceAndBob();
  });

  /** Nothing exists of any transfer: no entry but the top-ups, no record, no marker, no job. */
  function nothingMoved() {
    expect([...world.ledger.entries.values()].filter((e) => e.entry_type !== 'TOP_UP')).toEqual([]);
    expect(world.store.transfers.size).toBe(0);
    expect(world.store.pending.size).toBe(0);
    expect(world.queue.jobs.size).toBe(0);
    expect(world.ledger.balance('alice')).toBe(1_000);
    checkInvariants(world, { settled: true });
  }

  it('debits the sender, records the transfer PENDING, marks it and enqueues it', async () => {
    const res = await world.create('alice', 'bob', 300);
    expect(res).toMatchObject({ transfer_id: 't1', amount: 300, balance_before: 1_000, balance_after: 700, status: 'PENDING' });
    expect(world.store.transfers.get('t1')).toMatchObject({ status: 'PENDING', sender_id: 'alice', receiver_id: 'bob', amount: 300, debit_entry_id: world.debitOf('t1')[0]._id });
    expect(world.store.pending.has('t1')).toBe(true);
    expect(world.queue.waiting()).toEqual(['t1']);
    checkInvariants(world);
    await world.drainJobs();
    expect(world.ledger.balance('bob')).toBe(300);
    checkInvariants(world, { settled: true });
  });

  describe('rejected before anything moves', () => {
    it('insufficient balance: Balance is not enough, the marker is cleared', async () => {
      await expect(world.create('alice', 'bob', 1_001)).rejects.toBeInstanceOf(BalanceNotEnoughError);
      nothingMoved();
    });

    it.each([
      ['frozen sender', () => world.users.set('alice', { wallet_frozen: true }), WalletFrozenError],
      ['deactivated sender', () => world.users.set('alice', { status: 'DEACTIVATED' }), AccountInactiveError],
      ['unknown sender', () => world.users.users.delete('alice'), UnauthenticatedError],
      ['frozen receiver', () => world.users.set('bob', { wallet_frozen: true }), ReceiverUnavailableError],
      ['deactivated receiver', () => world.users.set('bob', { status: 'DEACTIVATED' }), ReceiverUnavailableError],
      ['unknown receiver', () => world.users.users.delete('bob'), TargetUserNotFoundError],
    ])('%s', async (_, arrange, error) => {
      arrange();
      await expect(world.create('alice', 'bob', 300)).rejects.toBeInstanceOf(error);
      nothingMoved();
    });

    it('a transfer to oneself', async () => {
      await expect(world.create('alice', 'alice', 300)).rejects.toBeInstanceOf(SelfTransferError);
      nothingMoved();
    });

    it('an amount above the maximum per transaction', async () => {
      // Checked before any await: the handler throws at once.
      expect(() => world.create('alice', 'bob', MAX_BALANCE + 1)).toThrow(AmountTooLargeError);
      nothingMoved();
    });

    it('the receiver code tells frozen from deactivated', async () => {
      world.users.set('bob', { wallet_frozen: true });
      await expect(world.create('alice', 'bob', 300)).rejects.toMatchObject({ code: 'RECEIVER_WALLET_FROZEN' });
      world.users.set('bob', { wallet_frozen: false, status: 'DEACTIVATED' });
      await expect(world.create('alice', 'bob', 300)).rejects.toMatchObject({ code: 'RECEIVER_INACTIVE' });
    });
  });

  it('concurrent transfers draining one balance: the ones that fit are accepted, the others refused, none below 0', async () => {
    const results = await Promise.allSettled([1, 2, 3, 4].map(() => world.create('alice', 'bob', 300)));
    expect(results.filter((r) => r.status === 'fulfilled')).toHaveLength(3);
    expect(results.filter((r) => r.status === 'rejected').map((r) => (r as PromiseRejectedResult).reason)).toEqual([expect.any(BalanceNotEnoughError)]);
    expect(world.ledger.balance('alice')).toBe(100);
    await world.recover();
    expect(world.ledger.balance('bob')).toBe(900);
    checkInvariants(world, { settled: true });
  });

  it('the database fails recording the transfer after the debit: still accepted, the recovery rebuilds the record from the debit', async () => {
    world.faults.failOn('store.recordPending');
    await expect(world.create('alice', 'bob', 300)).resolves.toMatchObject({ status: 'PENDING', balance_after: 700 });
    expect(world.store.transfers.size).toBe(0);
    await world.recover();
    expect(world.statusOf('t1')).toBe('SUCCESS');
    checkInvariants(world, { settled: true });
  });

  it('Redis fails the enqueue after the debit: still accepted, the sweep enqueues it', async () => {
    world.faults.failOn('queue.enqueue');
    await expect(world.create('alice', 'bob', 300)).resolves.toMatchObject({ status: 'PENDING' });
    expect(world.queue.jobs.size).toBe(0);
    await world.recover();
    expect(world.ledger.balance('bob')).toBe(300);
    checkInvariants(world, { settled: true });
  });

  it('the sweep drops the marker while a slow debit is under way: the marker is written again with the record', async () => {
    world.faults.on('ledger.post', async () => {
      world.clock.advance(SWEEP_MIN_AGE_MS + 1);
      await world.recoverHandler().execute(new RecoverPendingTransfersCommand(SWEEP_MIN_AGE_MS));
      await world.drainJobs(); // the swept job runs before the debit: MISSING, marker removed
    });
    await world.create('alice', 'bob', 300);
    expect(world.store.pending.has('t1')).toBe(true);
    await world.recover();
    expect(world.ledger.balance('bob')).toBe(300);
    checkInvariants(world, { settled: true });
  });

  it('a retry with the same Idempotency-Key after the answer was lost: the same transfer, debited once', async () => {
    world.faults.crashOn('ledger.post', 1, 'after'); // the debit landed, the process died before answering
    const first = await world.attempt(() => world.create('alice', 'bob', 300, 'key-1'));
    expect(first).toEqual({ crashed: 'ledger.post#1:after' });
    world.faults.heal();
    const retry = await world.create('alice', 'bob', 300, 'key-1');
    expect(retry).toMatchObject({ transfer_id: 't1', balance_before: 1_000, balance_after: 700, status: 'PENDING' });
    expect(world.debitOf('t1')).toHaveLength(1);
    await world.recover();
    expect(world.ledger.balance('bob')).toBe(300);
    checkInvariants(world, { settled: true });
  });
});
