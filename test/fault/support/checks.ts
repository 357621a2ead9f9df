import type { Db } from 'mongodb';
import { transferSucceededKey } from '../../../src/modules/status-events';
import { transferStatusOf } from '../../../src/modules/transfers/domain/transfer-status';
import type { TransferDocument, TransferStatus } from '../../../src/modules/transfers/persistence/transfer.schemas';
import type { LedgerEntry } from '../../../src/modules/wallet/domain/ledger-entry';
import { openSse } from '../../support/sse';
import { Account, mapLimit } from './client';

export type Settled = 'SUCCESS' | 'FAILED';

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** Polls `probe` until it returns something truthy; fails with `what` and the last value after `timeoutMs`. */
export async function waitUntil<T>(what: string, probe: () => Promise<T | false | null | undefined>, timeoutMs: number, intervalMs = 250): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await probe();
    if (value) return value;
    if (Date.now() > deadline) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`);
    await sleep(intervalMs);
  }
}

/** The ids of the transfers whose success is recorded: their senders' `transfer.succeeded` events (`transferSucceededKey`). */
async function succeededIds(db: Db): Promise<Set<string>> {
  const suffix = transferSucceededKey('').length;
  const events = await db.collection<{ key: string }>('status_events').find({ type: 'transfer.succeeded' }, { projection: { key: 1 } }).toArray();
  return new Set(events.map((e) => e.key.slice(0, -suffix)));
}

/**
 * Every transfer of this database with its status as `GET /transfers/:id` shows it (`transferStatusOf`:
 * its record's, or, on a record that names its debit entry and still says PENDING, SUCCESS when its
 * success event exists).
 */
export async function transferStatuses(db: Db): Promise<Map<string, { status: TransferStatus; record: TransferDocument }>> {
  const succeeded = await succeededIds(db);
  const out = new Map<string, { status: TransferStatus; record: TransferDocument }>();
  for await (const t of db.collection<TransferDocument>('transfers').find({})) out.set(t._id, { status: transferStatusOf(t, succeeded.has(t._id)), record: t });
  return out;
}

/**
 * The ids of the transfers still PENDING, without reading every record: the debit entries that say
 * PENDING and whose success is not recorded, and those that say FAILED while their record does not yet
 * (each read by `_id`). For transfers this version accepted: every record names its debit entry, and a
 * debit exists before its record.
 */
export async function pendingTransferIds(db: Db): Promise<string[]> {
  const ledger = db.collection<LedgerEntry>('ledger_entries');
  const debits = (status: LedgerEntry['status']) => ledger.find({ entry_type: 'TRANSFER_OUT', status }, { projection: { ref_id: 1 } }).toArray();
  const [pending, failed, succeeded] = await Promise.all([debits('PENDING'), debits('FAILED'), succeededIds(db)]);
  const records = db.collection<TransferDocument>('transfers');
  const unrecorded = await Promise.all(failed.map(async (d) => ((await records.findOne({ _id: d.ref_id }, { projection: { status: 1 } }))?.status === 'PENDING' ? d.ref_id : null)));
  return [...pending.map((d) => d.ref_id).filter((id) => !succeeded.has(id)), ...unrecorded.filter((id): id is string => id !== null)];
}

/**
 * How many transfers this version accepted are in `status` (`transferStatusOf`), cheaply enough to poll
 * (counts only): a success is its event; a failure is written on the record; the others are PENDING.
 */
export async function countStatus(db: Db, status: TransferStatus): Promise<number> {
  const succeeded = () => db.collection('status_events').countDocuments({ type: 'transfer.succeeded' });
  const failed = () => db.collection('transfers').countDocuments({ status: 'FAILED' });
  if (status === 'SUCCESS') return succeeded();
  if (status === 'FAILED') return failed();
  const [accepted, s, f] = await Promise.all([db.collection('ledger_entries').countDocuments({ entry_type: 'TRANSFER_OUT' }), succeeded(), failed()]);
  return accepted - s - f;
}

/** How many transfers of this database are in each state. */
export async function statusCounts(db: Db): Promise<{ PENDING: number; SUCCESS: number; FAILED: number; total: number }> {
  const counts = { PENDING: 0, SUCCESS: 0, FAILED: 0, total: 0 };
  for (const { status } of (await transferStatuses(db)).values()) {
    counts[status]++;
    counts.total++;
  }
  return counts;
}

/**
 * Checks, per transfer, that it settled as expected and that its money moved exactly once:
 * SUCCESS = one debit and one credit ledger entry, no refund; FAILED = one debit and one refund, no
 * credit (the credit and the refund share the op id `TRANSFER:<id>:SETTLE`); the debit entry says FAILED
 * after a refund and stays PENDING after a success (which is its event). Also that no marker
 * of an unsettled transfer is left behind. Returns the problems found (empty when all is well).
 */
export async function exactlyOnceProblems(db: Db, expected: ReadonlyMap<string, Settled | 'SUCCESS_OR_REFUNDED'>): Promise<string[]> {
  const problems: string[] = [];
  const legs = new Map<string, Map<string, number>>();
  const entries = db
    .collection<LedgerEntry>('ledger_entries')
    .find({ entry_type: { $in: ['TRANSFER_OUT', 'TRANSFER_IN', 'TRANSFER_REFUND'] } }, { projection: { entry_type: 1, ref_id: 1, status: 1 } });
  const debitStatus = new Map<string, string>();
  const LEGS: Record<string, string> = { TRANSFER_OUT: 'DEBIT', TRANSFER_IN: 'CREDIT', TRANSFER_REFUND: 'REFUND' };
  for await (const e of entries) {
    const leg = LEGS[e.entry_type];
    const counts = legs.get(e.ref_id) ?? new Map<string, number>();
    counts.set(leg, (counts.get(leg) ?? 0) + 1);
    legs.set(e.ref_id, counts);
    if (leg === 'DEBIT') debitStatus.set(e.ref_id, e.status);
  }
  const transfers = new Map([...(await transferStatuses(db))].map(([id, t]) => [id, t.status]));
  const markers = await db.collection('pending_transfers').countDocuments({});
  if (markers) problems.push(`${markers} pending marker(s) left`);

  for (const [id, want] of expected) {
    const status = transfers.get(id);
    const n = (leg: string) => legs.get(id)?.get(leg) ?? 0;
    const seen = `status ${status}, debit ${n('DEBIT')}, credit ${n('CREDIT')}, refund ${n('REFUND')}`;
    // A success is its event: the debit entry is rewritten only by a refund (FAILED).
    const credited = status === 'SUCCESS' && n('DEBIT') === 1 && n('CREDIT') === 1 && n('REFUND') === 0 && debitStatus.get(id) === 'PENDING';
    const refunded = status === 'FAILED' && n('DEBIT') === 1 && n('CREDIT') === 0 && n('REFUND') === 1 && debitStatus.get(id) === 'FAILED';
    const ok = want === 'SUCCESS' ? credited : want === 'FAILED' ? refunded : credited || refunded;
    if (!ok) problems.push(`transfer ${id}: expected ${want}, found ${seen}`);
    if (problems.length >= 20) break;
  }
  for (const id of legs.keys()) if (!expected.has(id) && problems.length < 20) problems.push(`ledger entries for an unexpected transfer ${id}`);
  return problems;
}

const TRANSFER_EVENTS = ['transfer.pending', 'transfer.succeeded', 'transfer.failed', 'transfer.received'];

/**
 * Reads every account's whole event stream (`GET /events?after=0`, as a client would) and checks one
 * event per change of the given transfers, from their final state in the database: the sender gets
 * one `transfer.pending` and then one `transfer.succeeded` or one `transfer.failed`, the receiver of a
 * successful one one `transfer.received`; no event id twice; nothing more arrives after a quiet second.
 * Returns the problems found (empty when all is well).
 */
export async function eventProblems(db: Db, baseUrl: string, accounts: readonly Account[], transferIds: readonly string[], timeoutMs = 60_000): Promise<string[]> {
  const expected = new Map<string, string[]>(accounts.map((a) => [a.userId, []]));
  const statuses = await transferStatuses(db);
  const docs = transferIds.flatMap((id) => statuses.get(id) ?? []);
  for (const { record: t, status } of docs) {
    expected.get(t.sender_id)?.push(`transfer.pending ${t._id}`, `${status === 'SUCCESS' ? 'transfer.succeeded' : 'transfer.failed'} ${t._id}`);
    if (status === 'SUCCESS') expected.get(t.receiver_id)?.push(`transfer.received ${t._id}`);
  }
  const problems: string[] = [];
  if (docs.length !== transferIds.length) problems.push(`${transferIds.length - docs.length} transfer(s) not found`);
  await mapLimit(accounts, 4, async (account) => {
    const want = (expected.get(account.userId) ?? []).sort();
    const stream = await openSse(baseUrl, '/events?after=0', { Authorization: `Bearer ${account.token}` });
    try {
      if (stream.status !== 200) return void problems.push(`${account.userId}: GET /events answered ${stream.status}`);
      const transferEvents = () => stream.messages.filter((m) => TRANSFER_EVENTS.includes(m.event ?? ''));
      await waitUntil(`${want.length} transfer events of ${account.userId}`, async () => transferEvents().length >= want.length, timeoutMs, 100).catch(() => undefined);
      await sleep(1000);
      const got = transferEvents()
        .map((m) => `${m.event} ${(JSON.parse(m.data) as { data: { transfer_id: string } }).data.transfer_id}`)
        .sort();
      if (JSON.stringify(got) !== JSON.stringify(want)) {
        const missing = want.filter((w) => !got.includes(w));
        const extra = got.filter((g, i) => g !== got[i - 1] && got.filter((x) => x === g).length > want.filter((x) => x === g).length);
        problems.push(`${account.userId}: ${got.length} transfer events, expected ${want.length}; missing ${missing.slice(0, 3).join(', ')}; doubled or unexpected ${extra.slice(0, 3).join(', ')}`);
      }
      const ids = stream.messages.map((m) => (JSON.parse(m.data) as { event_id: string }).event_id);
      if (new Set(ids).size !== ids.length) problems.push(`${account.userId}: an event id was sent twice`);
    } finally {
      stream.close();
    }
  });
  return problems.slice(0, 20);
}
