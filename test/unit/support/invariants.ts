import { transferSucceededKey } from '../../../src/modules/status-events';
import { TransferCompletedEvent, TransferFailedEvent } from '../../../src/modules/transfers/domain/transfer.events';
import { transferStatusOf } from '../../../src/modules/transfers/domain/transfer-status';
import { TransferWorld } from './transfer-world';

/**
 * The money invariants, checked over the whole in-memory world after a scenario:
 *  - every wallet's chain is continuous (each entry starts from the previous one's balance and moves it
 *    by its amount) and stays within [0, MAX_BALANCE];
 *  - op ids are unique, and each transfer has at most one debit and at most one settlement entry (a
 *    credit or a refund, whatever op id it was written under), for the debit's amount;
 *  - money is conserved: the balances plus the transfers in flight (debited, not settled) add up to
 *    the money that came in (the top-ups);
 *  - nothing exists for a transfer without a debit but an inert marker (no settlement; no record, but
 *    one of an earlier version written before its debit, which ends FAILED/REJECTED);
 *  - `settled`: no transfer is in flight (unless listed in `held`), no marker is left, each transfer's
 *    record, debit status and (in-process) events agree with the settlement entry that exists, and the sender's
 *    `transfer.succeeded` event (the success, on the debit entry's page) exists exactly for the credited
 *    ones, whose debit entry stays PENDING (it is rewritten only by a refund, to FAILED).
 * Returns a summary per transfer, for the scenario's own assertions.
 */
export function checkInvariants(world: TransferWorld, opts: { settled?: boolean; held?: string[] } = {}) {
  const { ledger, store } = world;
  const problems: string[] = [];

  const ops = new Set<string>();
  for (const e of ledger.entries.values()) {
    if (ops.has(e.op_id)) problems.push(`op id ${e.op_id} written twice`);
    ops.add(e.op_id);
  }

  let total = 0;
  for (const wallet of ledger.wallets()) {
    let balance = 0;
    for (const e of ledger.chain(wallet)) {
      const after = e.transaction_type === 'DEBIT' ? e.balance_before - e.amount : e.balance_before + e.amount;
      if (e.balance_before !== balance || e.balance_after !== after) problems.push(`${e._id}: chain broken (${balance} → ${e.balance_before}/${e.balance_after})`);
      if (e.balance_after < 0 || e.balance_after > ledger.maxBalance) problems.push(`${e._id}: balance ${e.balance_after} outside [0, ${ledger.maxBalance}]`);
      balance = e.balance_after;
    }
    total += balance;
  }

  const summary = new Map<string, { outcome: 'CREDIT' | 'REFUND' | 'IN_FLIGHT' | 'NONE'; status?: string }>();
  let inFlight = 0;
  for (const id of world.transferIds()) {
    const debits = world.debitOf(id);
    const settles = world.settlements(id);
    const record = store.transfers.get(id);
    if (debits.length > 1) problems.push(`transfer ${id}: ${debits.length} debits`);
    if (settles.length > 1) problems.push(`transfer ${id}: ${settles.length} settlements (${settles.map((s) => s.entry_type).join(', ')})`);
    const debit = debits[0];
    const settle = settles[0];
    if (!debit) {
      // Only a record of an earlier version (written before its debit) exists without one, and it can only fail.
      const legacy = record && !record.debit_entry_id && record.status !== 'SUCCESS';
      if (settle || (record && !legacy)) problems.push(`transfer ${id}: recorded or settled without a debit`);
      if (opts.settled && record && (record.status !== 'FAILED' || store.outcomes.get(id)?.outcome !== 'REJECTED')) problems.push(`transfer ${id}: no debit, not REJECTED`);
      if (opts.settled && store.pending.has(id)) problems.push(`transfer ${id}: marker left without a debit`);
      summary.set(id, { outcome: 'NONE' });
      continue;
    }
    if (settle && settle.amount !== debit.amount) problems.push(`transfer ${id}: settled ${settle.amount} of ${debit.amount}`);
    if (settle?.entry_type === 'TRANSFER_IN' && settle.wallet_id !== debit.counterparty_id) problems.push(`transfer ${id}: credit to the wrong wallet`);
    if (settle?.entry_type === 'TRANSFER_REFUND' && settle.wallet_id !== debit.wallet_id) problems.push(`transfer ${id}: refund to the wrong wallet`);
    const outcome = !settle ? 'IN_FLIGHT' : settle.entry_type === 'TRANSFER_IN' ? 'CREDIT' : 'REFUND';
    if (!settle) inFlight += debit.amount;
    // The transfer's status: its record's, or SUCCESS by its success event, never written on a record that names its debit.
    const status = record && transferStatusOf(record, world.statusEvents.succeeded(id));
    if (record?.debit_entry_id && record.status === 'SUCCESS') problems.push(`transfer ${id}: a success written on a record that names its debit`);
    summary.set(id, { outcome, status });
    if (status && status !== 'PENDING' && !settle) problems.push(`transfer ${id}: ${status} but not settled`);
    if (status === 'SUCCESS' && outcome !== 'CREDIT') problems.push(`transfer ${id}: SUCCESS but ${outcome}`);
    if (status === 'FAILED' && outcome !== 'REFUND') problems.push(`transfer ${id}: FAILED but ${outcome}`);
    if (!opts.settled) continue;

    const held = opts.held?.includes(id);
    if (!settle) {
      if (!held) problems.push(`transfer ${id}: still in flight`);
      else if (status !== 'PENDING' || !store.pending.has(id)) problems.push(`transfer ${id}: held but not PENDING with its marker`);
      continue;
    }
    const want = outcome === 'CREDIT' ? 'SUCCESS' : 'FAILED';
    if (status !== want) problems.push(`transfer ${id}: status ${status ?? 'missing'}, ledger says ${want}`);
    // The debit entry is rewritten only by a refund (FAILED); a success is its event, on the debit's page
    // (an event recorded by an earlier version has no page: then the debit entry carries the SUCCESS).
    const event = world.statusEvents.byKey.get(transferSucceededKey(id));
    const debitWant = outcome === 'CREDIT' && event?.pageKey ? 'PENDING' : want;
    if (ledger.entries.get(debit._id)?.status !== debitWant) problems.push(`transfer ${id}: debit entry ${ledger.entries.get(debit._id)?.status}, ledger says ${debitWant}`);
    if (event && event.pageKey !== undefined && event.pageKey !== debit.page_key) problems.push(`transfer ${id}: success event on page ${event.pageKey}, debit on ${debit.page_key}`);
    if (store.pending.has(id)) problems.push(`transfer ${id}: settled, marker left`);
    const succeeded = event !== undefined;
    if (succeeded !== (outcome === 'CREDIT')) problems.push(`transfer ${id}: transfer.succeeded event ${succeeded ? 'recorded' : 'missing'} for a ${outcome}`);
    // The in-process events (the settled-transfers metric) are published by the run that changes the
    // status: a run that dies after writing it publishes none, so they may be missing, never wrong.
    const published = world.events.of(id);
    const wrong = published.filter((e) => (outcome === 'CREDIT' ? !(e instanceof TransferCompletedEvent) : !(e instanceof TransferFailedEvent)));
    if (wrong.length) problems.push(`transfer ${id}: events ${published.map((e) => e.constructor.name).join(',')} for a ${outcome}`);
    // A success of a record that names its debit is published by the run whose event insert claimed it: once at most.
    if (outcome === 'CREDIT' && record?.debit_entry_id && published.length > 1) problems.push(`transfer ${id}: ${published.length} TransferCompletedEvents`);
  }
  if (total + inFlight !== world.seeded) problems.push(`money not conserved: balances ${total} + in flight ${inFlight} ≠ ${world.seeded} topped up`);

  if (problems.length) throw new Error(`invariants broken:\n  ${problems.join('\n  ')}`);
  return summary;
}
