import type { Db } from 'mongodb';
import { LedgerReport, verifyLedger } from '../../../src/modules/reconciliation';
import { Answer, definitive, describe } from './http';
import { History, MoneyKind, MoneyOp } from './history';

export interface InvariantResult {
  id: number;
  name: string;
  checked: number;
  violations: string[];
  /** What was seen but is not held against the service (printed, never failing). */
  notes?: string[];
}

const WRONG_PIN = "Phone number and pin doesn't match.";
const ID_FIELD: Record<MoneyKind, string> = { topup: 'top_up_id', pay: 'payment_id', transfer: 'transfer_id' };
const SCOPE: Record<MoneyKind, string> = { topup: 'topup', pay: 'pay', transfer: 'transfer' };
const ENTRY: Record<MoneyKind, string> = { topup: 'TOP_UP', pay: 'PAYMENT', transfer: 'TRANSFER_OUT' };

interface Entry {
  _id: string;
  wallet_id: string;
  seq: number;
  balance_after: number;
  entry_type: string;
  ref_id: string;
  op_id: string;
  created_at: Date;
}

const secs = (ms: number) => `${(ms / 1000).toFixed(1)}s`;

function redisDown(history: History, from: number, to: number): string {
  const down = history.redisDownBetween(from, to);
  return down.length ? ` (Redis down meanwhile: ${down.map((f) => `${secs(f.startedAt)}-${secs(f.restoreAt)}`).join(', ')})` : '';
}

export interface CheckInput {
  db: Db;
  history: History;
  maxBalance: number;
  pinMaxAttempts: number;
  pinLockSeconds: number;
  /** Transfers still PENDING after the settle phase: id -> what they are stuck on. */
  unsettled: Map<string, string>;
  settleSeconds: number;
  /** The run's clock origin (Date.now() at ms 0), to put server timestamps on it. */
  epoch: number;
}

/** Every invariant of the run, over what clients saw (the history) and what the database holds. */
export async function checkInvariants(input: CheckInput): Promise<{ results: InvariantResult[]; ledger: LedgerReport }> {
  const { db, history } = input;
  const entries = await db
    .collection<Entry>('ledger_entries')
    .find({}, { projection: { wallet_id: 1, seq: 1, balance_after: 1, entry_type: 1, ref_id: 1, op_id: 1, created_at: 1 } })
    .toArray();
  const byRef = new Map<string, Entry[]>();
  for (const e of entries) byRef.set(e.ref_id, [...(byRef.get(e.ref_id) ?? []), e]);
  const keys = new Map<string, string>();
  for await (const k of db.collection<{ _id: string; op_id: string }>('idempotency_keys').find({}, { projection: { op_id: 1 } })) keys.set(k._id, k.op_id);

  const ledger = await verifyLedger(db, { maxBalance: input.maxBalance });
  const results: InvariantResult[] = [
    { id: 1, name: 'money conserved, every chain intact (verifyLedger)', checked: ledger.entries, violations: ledger.problems },
    capCheck(entries, input.maxBalance),
    atMostOnce(history.money, byRef, keys, input),
    ambiguousMovedNothing(history.money, byRef, keys, input.epoch),
    await pinLockout(db, history, input.pinMaxAttempts, input.pinLockSeconds, input.epoch),
    revocation(history),
    readiness(history),
    noUnhandledErrors(history),
    noHangWithoutRedis(history),
  ];
  return { results, ledger };
}

function capCheck(entries: Entry[], maxBalance: number): InvariantResult {
  const violations = entries
    .filter((e) => e.balance_after < 0 || e.balance_after > maxBalance)
    .sort((a, b) => b.balance_after - a.balance_after)
    .map((e) => `wallet ${e.wallet_id} seq ${e.seq} (${e.entry_type} ${e.ref_id}): balance_after ${e.balance_after} outside [0, ${maxBalance}]`);
  return { id: 2, name: `every balance_after within [0, MAX_BALANCE=${maxBalance}]`, checked: entries.length, violations };
}

function idOf(op: MoneyOp, a: Answer): string | undefined {
  return a.body?.result?.[ID_FIELD[op.kind]];
}

function opIdOf(op: MoneyOp, keys: Map<string, string>): string | undefined {
  return keys.get(`${op.userId}:${SCOPE[op.kind]}:${op.key}`);
}

function entriesText(list: Entry[]): string {
  return list.map((e) => `${e.entry_type}@${e.wallet_id.slice(-6)}#${e.seq}`).join(', ');
}

function answersText(op: MoneyOp): string {
  return op.answers.map(describe).join(' | ');
}

/** 2xx: one entry of its kind (a transfer: one debit and one credit or refund); definitive 4xx: none; one id per key. */
function atMostOnce(ops: MoneyOp[], byRef: Map<string, Entry[]>, keys: Map<string, string>, input: CheckInput): InvariantResult {
  const violations: string[] = [];
  const unsettled = input.unsettled;
  let checked = 0;
  for (const op of ops) {
    const ok = op.answers.filter((a) => a.cls === '2xx');
    // A 401 refused the session, not the operation (the request never reached it): not an answer about the money.
    const refused = op.answers.filter((a) => definitive(a) && a.cls === '4xx' && a.status !== 401);
    if (!ok.length && !refused.length) continue;
    checked++;
    const what = `${op.kind} key ${op.key} (${JSON.stringify(op.body)})`;
    const opId = opIdOf(op, keys);
    if (ok.length) {
      const ids = [...new Set(ok.map((a) => idOf(op, a)))];
      if (ids.length !== 1 || !ids[0]) violations.push(`${what}: 2xx answers carry ids ${JSON.stringify(ids)}`);
      const id = ids[0]!;
      if (opId && id !== opId) violations.push(`${what}: answered id ${id} but the key's operation is ${opId}`);
      const mine = byRef.get(id) ?? [];
      const n = (type: string) => mine.filter((e) => e.entry_type === type).length;
      if (n(ENTRY[op.kind]) !== 1) violations.push(`${what}: answered ${ok[0].status} with id ${id} but has ${n(ENTRY[op.kind])} ${ENTRY[op.kind]} entries [${entriesText(mine)}]`);
      if (op.kind === 'transfer') {
        const settled = n('TRANSFER_IN') + n('TRANSFER_REFUND');
        if (unsettled.has(id)) violations.push(`${what}: transfer ${id} to a ${op.target?.group} still PENDING ${input.settleSeconds} s after the faults ended (${unsettled.get(id)})`);
        else if (settled !== 1) violations.push(`${what}: transfer ${id} has ${n('TRANSFER_IN')} credits and ${n('TRANSFER_REFUND')} refunds`);
      }
      if (refused.length) violations.push(`${what}: answered 2xx and also ${refused.map(describe).join(', ')} (a retry must replay the first answer)`);
    } else if (opId) {
      const moved = byRef.get(opId) ?? [];
      if (moved.length) violations.push(`${what}: answered ${refused.map(describe).join(', ')} yet money moved [${entriesText(moved)}]; all answers: ${answersText(op)}`);
    }
  }
  const answered = new Set(ops.flatMap((op) => op.answers.filter((a) => a.cls === '2xx').map((a) => idOf(op, a))));
  for (const [id, detail] of unsettled) if (!answered.has(id)) violations.push(`transfer ${id} (never answered 2xx) still PENDING ${input.settleSeconds} s after the faults ended (${detail})`);
  return { id: 3, name: 'each operation applied at most once: 2xx = exactly one effect, 4xx = none, one id per key; transfers settle', checked, violations };
}

/**
 * An operation whose every answer was a 5xx, a 409/429 or a timeout, even after the replays of the settle
 * phase, moved nothing. (A 5xx after which a replay returned the outcome is allowed; it is noted when the
 * request's own money moved before that 5xx was sent back.)
 */
function ambiguousMovedNothing(ops: MoneyOp[], byRef: Map<string, Entry[]>, keys: Map<string, string>, epoch: number): InvariantResult {
  const violations: string[] = [];
  const notes: string[] = [];
  let checked = 0;
  for (const op of ops) {
    const ok = op.answers.find((a) => a.cls === '2xx');
    if (ok) {
      const moved = (byRef.get(idOf(op, ok) ?? '') ?? []).find((e) => e.entry_type === ENTRY[op.kind]);
      const movedAt = moved ? moved.created_at.getTime() - epoch : null;
      for (const a of op.answers) {
        if (a.cls === '5xx' && movedAt !== null && movedAt >= a.sentAt && movedAt < a.receivedAt) notes.push(`${op.kind} key ${op.key}: answered ${describe(a)} at ${secs(a.receivedAt)} though its money had moved at ${secs(movedAt)}; a replay returned the outcome`);
      }
    }
    if (op.answers.some(definitive)) continue;
    checked++;
    const opId = opIdOf(op, keys);
    const moved = opId ? (byRef.get(opId) ?? []) : [];
    if (moved.length) violations.push(`${op.kind} key ${op.key} (${JSON.stringify(op.body)}): never answered definitively (${answersText(op)}) yet money moved [${entriesText(moved)}]`);
  }
  return { id: 4, name: 'an ambiguous answer never resolved by a replay moved nothing', checked, violations, notes };
}

/**
 * How long after the lock was seen (a 423 arrived) a right-PIN login may still open its session and not
 * count as let in while locked: an attempt that passed its checks before the lock takes the time of
 * one MongoDB insert to get there, far less than this.
 */
const LOCK_RACE_MARGIN_MS = 500;

/**
 * Per phone: any run of wrong-PIN answers (401 "doesn't match"), consecutive by send time, whose span
 * overlaps k successful logins (each may have reset the counter) holds at most (k + 1) × PIN_MAX_ATTEMPTS
 * of them (the lock window is longer than the run). And once a 423 has arrived, no login sent later
 * is 200, and no login with the right PIN sent earlier opens its session (server time) well after it:
 * concurrent guesses that all passed the lock check before the lock was set must not let the right PIN in.
 */
async function pinLockout(db: Db, history: History, max: number, lockSeconds: number, epoch: number): Promise<InvariantResult> {
  const violations: string[] = [];
  const notes: string[] = [];
  const phones = [...new Set(history.logins.map((l) => l.phone))];
  for (const phone of phones) {
    const mine = history.logins.filter((l) => l.phone === phone);
    const wrong = mine.filter((l) => !l.rightPin && l.answer.status === 401 && l.answer.body?.message === WRONG_PIN).map((l) => l.answer).sort((a, b) => a.sentAt - b.sentAt);
    const ok = mine.filter((l) => l.answer.status === 200).map((l) => l.answer);
    let worst: { count: number; allowed: number; from: number; to: number } | null = null;
    for (let i = 0; i < wrong.length; i++) {
      let spanFrom = wrong[i].sentAt;
      let spanTo = wrong[i].receivedAt;
      for (let j = i; j < wrong.length; j++) {
        spanFrom = Math.min(spanFrom, wrong[j].sentAt);
        spanTo = Math.max(spanTo, wrong[j].receivedAt);
        const resets = ok.filter((r) => r.sentAt < spanTo && r.receivedAt > spanFrom).length;
        const count = j - i + 1;
        const allowed = (resets + 1) * max;
        if (count > allowed && (!worst || count - allowed > worst.count - worst.allowed)) worst = { count, allowed, from: spanFrom, to: spanTo };
      }
    }
    // The lock state lives in Redis: what a flush of Redis erased is noted, not held against the service.
    const report = (from: number, to: number, text: string) => {
      const flushed = history.redisLossBetween(from, to);
      if (flushed.length) notes.push(`${text} (Redis flushed meanwhile at ${flushed.map((f) => secs(f.startedAt)).join(', ')})`);
      else violations.push(text + redisDown(history, from, to));
    };
    if (worst) report(worst.from, worst.to, `phone ${phone}: ${worst.count} wrong PINs evaluated (answered "${WRONG_PIN}") between ${secs(worst.from)} and ${secs(worst.to)} where at most ${worst.allowed} may be`);
    const locked = mine.filter((l) => l.answer.status === 423).map((l) => l.answer.receivedAt);
    if (locked.length) {
      const lockedAt = Math.min(...locked);
      const after = mine.filter((l) => l.answer.status === 200 && l.answer.sentAt > lockedAt && l.answer.sentAt < lockedAt + lockSeconds * 1000);
      for (const l of after) report(lockedAt, l.answer.receivedAt, `phone ${phone}: locked (423) at ${secs(lockedAt)}, yet a login sent at ${secs(l.answer.sentAt)} with the right PIN answered 200`);
      const racing = mine.filter((l) => l.answer.status === 200 && l.sessionId && l.answer.sentAt <= lockedAt && l.answer.receivedAt > lockedAt + LOCK_RACE_MARGIN_MS);
      for (const l of racing) {
        const session = await db.collection<{ _id: string; created_at: Date }>('sessions').findOne({ _id: l.sessionId! });
        const openedAt = session ? session.created_at.getTime() - epoch : null;
        if (openedAt !== null && openedAt > lockedAt + LOCK_RACE_MARGIN_MS) {
          report(lockedAt, openedAt, `phone ${phone}: locked (423 arrived at ${secs(lockedAt)}), yet a login with the right PIN sent at ${secs(l.answer.sentAt)} opened its session at ${secs(openedAt)} and answered 200`);
        }
      }
    }
  }
  return { id: 5, name: `wrong PINs evaluated <= PIN_MAX_ATTEMPTS=${max} per lock window; no login while locked`, checked: history.logins.length, violations, notes };
}

/**
 * After a 2xx to POST /logout, no request sent later with that access token answers 2xx; and no client's
 * current session (never logged out, never ended by a PIN change or a deactivation) is refused with 401.
 */
function revocation(history: History): InvariantResult {
  const violations: string[] = [];
  for (const r of history.liveRefused) violations.push(`${r.client}'s current session refused: ${r.what} sent at ${secs(r.answer.sentAt)} answered 401 via ${r.answer.api}` + redisDown(history, r.answer.sentAt - 1000, r.answer.receivedAt));
  const revokedAt = new Map(history.revoked.map((r) => [r.token, r.revokedAt]));
  let checked = 0;
  for (const use of history.tokenUses) {
    const at = revokedAt.get(use.token);
    if (at === undefined || use.answer.sentAt <= at) continue;
    checked++;
    if (use.answer.cls === '2xx') {
      const flushed = history.redisLossBetween(at, use.answer.sentAt);
      violations.push(
        `token logged out at ${secs(at)} accepted at ${secs(use.answer.sentAt)}: GET ${use.path} answered ${use.answer.status} via ${use.answer.api}` +
          (flushed.length ? ` (Redis flushed meanwhile at ${flushed.map((f) => secs(f.startedAt)).join(', ')})` : '') +
          redisDown(history, at - 1000, use.answer.sentAt),
      );
    }
  }
  return { id: 6, name: 'no logged-out token accepted, no live session refused', checked: checked + history.liveRefused.length, violations };
}

/** While a database or Redis was down (probed from the grace on, until restoring began), /health/ready never answered 200. */
function readiness(history: History): InvariantResult {
  const violations: string[] = [];
  let checked = 0;
  for (const probe of history.readiness) {
    const fault = history.faults[probe.fault];
    if (probe.answer.receivedAt > fault.restoreAt) continue;
    checked++;
    if (probe.answer.status === 200) {
      violations.push(`${fault.kind} (${fault.target}) down from ${secs(fault.startedAt)} to ${secs(fault.restoreAt)}: GET /health/ready sent at ${secs(probe.answer.sentAt)} answered 200 via ${probe.answer.api}`);
    }
  }
  return { id: 7, name: 'readiness not 200 while a dependency is down', checked, violations };
}

/** A dependency outage is answered 503 (the contract's status for it); a 500 is an error nobody handled. */
function noUnhandledErrors(history: History): InvariantResult {
  const violations = history.unexpected.map(({ kind, answer }) => {
    const outage = history.faults.filter((f) => f.dependencyDown && f.startedAt <= answer.receivedAt && f.endedAt >= answer.sentAt).map((f) => f.kind);
    return `${kind} sent at ${secs(answer.sentAt)} answered ${describe(answer)} ${JSON.stringify(answer.body).slice(0, 120)}${outage.length ? ` during ${outage.join(', ')}` : ''}`;
  });
  const answers = [...history.counts.values()].reduce((sum, row) => sum + [...row.values()].reduce((a, b) => a + b, 0), 0);
  return { id: 8, name: 'no 5xx other than 503 (a dependency outage is a 503, not an unhandled 500)', checked: answers, violations };
}

/** While Redis is down, requests answer (503 or otherwise) within this long rather than wait for it. */
export const REDIS_DOWN_ANSWER_MS = 5000;

/**
 * Nothing waits for Redis to come back: a request sent while Redis was down (from half a second into
 * the outage until it was restarted) is answered within REDIS_DOWN_ANSWER_MS, whatever the answer.
 */
function noHangWithoutRedis(history: History): InvariantResult {
  const violations: string[] = [];
  let checked = 0;
  for (const f of history.faults.filter((f) => f.kind === 'redis-kill')) {
    for (const { kind, answer } of history.answers) {
      if (answer.sentAt < f.startedAt + 500 || answer.sentAt > f.restoreAt || answer.cls === 'neterr') continue;
      checked++;
      const took = answer.receivedAt - answer.sentAt;
      if (answer.cls === 'timeout' || took > REDIS_DOWN_ANSWER_MS) {
        violations.push(`${kind} sent at ${secs(answer.sentAt)}, Redis down ${secs(f.startedAt)}-${secs(f.restoreAt)}: ${answer.cls === 'timeout' ? 'no answer within the client timeout' : `answered ${describe(answer)} after ${secs(took)}`}`);
      }
    }
  }
  return { id: 9, name: `requests answer within ${REDIS_DOWN_ANSWER_MS / 1000} s while Redis is down (nothing hangs on it)`, checked, violations };
}
