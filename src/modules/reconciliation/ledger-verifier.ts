import type { Db } from 'mongodb';
import { HOLD_OUTCOMES_COLLECTION, HOLDS_COLLECTION } from '../holds';
import { STATUS_EVENTS_COLLECTION, transferSucceededKey } from '../status-events';
import { TRANSFER_OUTCOMES_COLLECTION, TRANSFERS_COLLECTION } from '../transfers';
import {
  entryId,
  LEDGER_ENTRIES_COLLECTION,
  LedgerEntry,
  LegacyStoredTotals,
  NO_TOTALS,
  pageKeyOf,
  RunningTotals,
  runningAfter,
  sameTotals,
  storedTotals,
  StoredTotals,
  totalsOf,
  WALLET_HEADS_COLLECTION,
} from '../wallet';

export interface LedgerReport {
  wallets: number;
  entries: number;
  totalBalance: number;
  /** Money in flight: debited from senders, neither credited nor refunded yet; held by holds, neither captured nor released yet. */
  inFlight: number;
  /** Money captured by holds (paid out of the wallets, like payments). */
  captured: number;
  problems: string[];
}

/**
 * Recomputes every wallet from its entries and checks: contiguous sequence, `page_key`, chained balances,
 * running totals (where present: they must add up from the previous entry's),
 * arithmetic, no negative balance and none above the maximum, unique operations, hints that match their entry, transfer legs
 * consistent with transfer outcomes, hold legs consistent with hold outcomes, and conservation
 * (top-ups − payments − captured = balances + in flight).
 * Streams the collection once; memory grows with the number of wallets and transfers, not entries.
 */
export interface VerifyOptions {
  /** `MAX_BALANCE`: any entry whose balance passes it is reported. */
  maxBalance?: number;
}

export async function verifyLedger(db: Db, options: VerifyOptions = {}): Promise<LedgerReport> {
  const problems: string[] = [];
  const report = (msg: string) => problems.length < 200 && problems.push(msg);
  // `running` is the previous entry's running totals: undefined when it had none (not backfilled yet).
  const state = new Map<string, { seq: number; balance: number; running: RunningTotals | undefined }>();
  const legs = new Map<string, Set<string>>();
  const holdLegs = new Map<string, { debit?: LedgerEntry; release?: LedgerEntry }>();
  let entries = 0;
  let topUps = 0;
  let payments = 0;
  // How many entries carry each operation id, counted in the same pass: a `$group` on the op id took
  // FerretDB time quadratic in the number of entries (docs/performance.md, "The verifier").
  const opCounts = new Map<string, number>();

  // A transfer's success is its sender's transfer.succeeded event (docs/ledger.md): it needs a credit.
  // Read before the entries: an event is recorded after its credit lands, so every event read here has
  // its credit in the entries read next, even while transfers settle (read after them, an event recorded
  // meanwhile would be seen without the credit it followed).
  const succeeded = new Set<string>();
  for await (const e of db.collection<{ key: string }>(STATUS_EVENTS_COLLECTION).find({ type: 'transfer.succeeded' }, { projection: { key: 1 } })) succeeded.add(e.key);

  const cursor = db.collection<LedgerEntry>(LEDGER_ENTRIES_COLLECTION).find({}).sort({ _id: 1 }).batchSize(2000);
  for await (const e of cursor) {
    entries++;
    const prev = state.get(e.wallet_id) ?? { seq: 0, balance: 0, running: NO_TOTALS };
    if (e._id !== entryId(e.wallet_id, e.seq)) report(`${e._id}: _id does not match wallet/seq`);
    if (e.page_key !== pageKeyOf(e.wallet_id, e.seq)) report(`${e._id}: page_key ${e.page_key} != ${pageKeyOf(e.wallet_id, e.seq)}`);
    if (e.seq !== prev.seq + 1) report(`${e._id}: sequence gap after ${prev.seq}`);
    if (e.balance_before !== prev.balance) report(`${e._id}: balance_before ${e.balance_before} != previous balance_after ${prev.balance}`);
    const expected = e.transaction_type === 'CREDIT' ? e.balance_before + e.amount : e.balance_before - e.amount;
    if (e.balance_after !== expected) report(`${e._id}: balance_after ${e.balance_after} != ${expected}`);
    if (!Number.isInteger(e.amount) || e.amount <= 0) report(`${e._id}: amount ${e.amount} is not a positive integer`);
    if (e.balance_after < 0) report(`${e._id}: negative balance`);
    if (options.maxBalance !== undefined && e.balance_after > options.maxBalance) report(`${e._id}: balance ${e.balance_after} above the maximum ${options.maxBalance}`);
    const running = totalsOf(e.running);
    if (e.running !== undefined && !running) report(`${e._id}: running totals ${JSON.stringify(e.running)} are not in the stored shape`);
    if (running) {
      if (!prev.running) report(`${e._id}: running totals after an entry without them`);
      else if (!sameTotals(running, runningAfter(prev.running, e))) report(`${e._id}: running totals ${JSON.stringify(e.running)} != ${JSON.stringify(storedTotals(runningAfter(prev.running, e)))}`);
    }
    state.set(e.wallet_id, { seq: e.seq, balance: e.balance_after, running });
    opCounts.set(e.op_id, (opCounts.get(e.op_id) ?? 0) + 1);
    if (e.entry_type === 'TOP_UP') topUps += e.amount;
    if (e.entry_type === 'PAYMENT') payments += e.amount;
    if (e.entry_type.startsWith('TRANSFER_')) {
      const set = legs.get(e.ref_id) ?? new Set<string>();
      if (set.has(e.entry_type)) report(`transfer ${e.ref_id}: ${e.entry_type} applied twice`);
      set.add(e.entry_type);
      legs.set(e.ref_id, set);
    }
    if (e.entry_type === 'HOLD' || e.entry_type === 'HOLD_RELEASE') {
      const h = holdLegs.get(e.ref_id) ?? {};
      const leg = e.entry_type === 'HOLD' ? 'debit' : 'release';
      if (h[leg]) report(`hold ${e.ref_id}: ${e.entry_type} applied twice`);
      h[leg] = e;
      holdLegs.set(e.ref_id, h);
    }
  }

  for (const [op, n] of opCounts) if (n > 1) report(`operation ${op} applied ${n} times`);

  for await (const h of db.collection<{ _id: string; seq: number; balance: number; running?: StoredTotals | LegacyStoredTotals }>(WALLET_HEADS_COLLECTION).find({})) {
    const s = state.get(h._id);
    if (!s || h.seq > s.seq) {
      report(`wallet ${h._id}: hint points past the head (${h.seq})`);
      continue;
    }
    const at = await db.collection<LedgerEntry>(LEDGER_ENTRIES_COLLECTION).findOne({ _id: entryId(h._id, h.seq) });
    if (at && at.balance_after !== h.balance) report(`wallet ${h._id}: cached balance ${h.balance} != ${at.balance_after} at seq ${h.seq}`);
    const hinted = totalsOf(h.running);
    const atTotals = totalsOf(at?.running);
    if (at && hinted && !(atTotals && sameTotals(hinted, atTotals))) report(`wallet ${h._id}: cached running totals ${JSON.stringify(h.running)} != ${JSON.stringify(at.running)} of entry ${h.seq}`);
  }

  let inFlight = 0;
  const outcomes = new Map<string, string>();
  for await (const o of db.collection<{ _id: string; outcome: string }>(TRANSFER_OUTCOMES_COLLECTION).find({})) outcomes.set(o._id, o.outcome);
  for await (const t of db.collection<{ _id: string; amount: number; status: string }>(TRANSFERS_COLLECTION).find({})) {
    const set = legs.get(t._id) ?? new Set<string>();
    const outcome = outcomes.get(t._id);
    if (set.has('TRANSFER_IN') && set.has('TRANSFER_REFUND')) report(`transfer ${t._id}: both credited and refunded`);
    if ((set.has('TRANSFER_IN') || set.has('TRANSFER_REFUND')) && !set.has('TRANSFER_OUT')) report(`transfer ${t._id}: settled without a debit`);
    // Outcome documents: REJECTED (never debited); CREDIT and REFUND were claimed by earlier versions.
    if (outcome === 'REJECTED' && set.has('TRANSFER_OUT')) report(`transfer ${t._id}: debited but outcome is REJECTED`);
    if (outcome === 'CREDIT' && set.has('TRANSFER_REFUND')) report(`transfer ${t._id}: refunded but outcome is CREDIT`);
    if (outcome === 'REFUND' && set.has('TRANSFER_IN')) report(`transfer ${t._id}: credited but outcome is REFUND`);
    if (t.status === 'SUCCESS' && !set.has('TRANSFER_IN')) report(`transfer ${t._id}: SUCCESS without a credit`);
    if (succeeded.has(transferSucceededKey(t._id)) && !set.has('TRANSFER_IN')) report(`transfer ${t._id}: success event without a credit`);
    if (t.status === 'FAILED' && set.has('TRANSFER_OUT') && !set.has('TRANSFER_REFUND')) report(`transfer ${t._id}: FAILED without a refund`);
    if (set.has('TRANSFER_OUT') && !set.has('TRANSFER_IN') && !set.has('TRANSFER_REFUND')) inFlight += t.amount;
    legs.delete(t._id);
  }
  for (const id of legs.keys()) report(`transfer entries for unknown transfer ${id}`);

  // Holds: the debit is the authorisation, the release gives back what was not captured; the outcome
  // (claimed once) decides how much that is. Money held and not yet captured or released is in flight.
  let captured = 0;
  const holdOutcomes = new Map<string, { outcome: string; captured_amount: number }>();
  for await (const o of db.collection<{ _id: string; outcome: string; captured_amount: number }>(HOLD_OUTCOMES_COLLECTION).find({})) holdOutcomes.set(o._id, o);
  for await (const h of db.collection<{ _id: string; user_id: string; amount: number; status: string; settled: boolean }>(HOLDS_COLLECTION).find({})) {
    const { debit, release } = holdLegs.get(h._id) ?? {};
    holdLegs.delete(h._id);
    const outcome = holdOutcomes.get(h._id);
    if (release && !debit) report(`hold ${h._id}: released without a debit`);
    if (debit && (debit.amount !== h.amount || debit.wallet_id !== h.user_id)) report(`hold ${h._id}: debit ${debit.amount} of ${debit.wallet_id} does not match the hold`);
    if (!debit) {
      if (h.settled && h.status !== 'REJECTED') report(`hold ${h._id}: ${h.status} but never debited`);
      continue;
    }
    if (!outcome) {
      if (release) report(`hold ${h._id}: released but not decided`);
      if (debit.status !== 'PENDING') report(`hold ${h._id}: debit ${debit.status} but not decided`);
      inFlight += debit.amount;
      continue;
    }
    const took = outcome.outcome === 'CAPTURED' ? outcome.captured_amount : 0;
    if (outcome.outcome === 'CAPTURED' && !(Number.isInteger(took) && took >= 1 && took <= debit.amount)) report(`hold ${h._id}: captured ${took} of ${debit.amount}`);
    const owed = debit.amount - took;
    if (release && release.amount !== owed) report(`hold ${h._id}: released ${release.amount}, ${outcome.outcome} owes ${owed}`);
    if (!release && owed > 0 && h.settled) report(`hold ${h._id}: settled ${outcome.outcome} without its release of ${owed}`);
    if (debit.status === 'SUCCESS' && took === 0) report(`hold ${h._id}: debit SUCCESS but ${outcome.outcome}`);
    if (debit.status === 'FAILED' && took > 0) report(`hold ${h._id}: debit FAILED but captured`);
    captured += took;
    inFlight += owed - (release?.amount ?? 0);
  }
  for (const id of holdLegs.keys()) report(`hold entries for unknown hold ${id}`);

  const totalBalance = [...state.values()].reduce((sum, s) => sum + s.balance, 0);
  if (topUps - payments - captured !== totalBalance + inFlight) {
    report(`conservation: top-ups ${topUps} - payments ${payments} - captured ${captured} != balances ${totalBalance} + in flight ${inFlight}`);
  }
  return { wallets: state.size, entries, totalBalance, inFlight, captured, problems };
}
