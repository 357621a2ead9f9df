import type { Posting } from '../../wallet';

/** A hold as the API shows it: `PENDING` until exactly one of capture, void and expiry decides it. */
export type HoldStatus = 'PENDING' | 'CAPTURED' | 'VOIDED' | 'EXPIRED';
/** What was decided for a hold's money, claimed once by an insert (`hold_outcomes/_id = hold id`). */
export type HoldOutcomeKind = 'CAPTURED' | 'VOIDED' | 'EXPIRED' | 'REJECTED';
/** `REJECTED`: the hold's debit had not been written when it fell due (its request failed or is still under way). */
export type StoredHoldStatus = HoldStatus | 'REJECTED';

export const HOLD_STATUSES: readonly HoldStatus[] = ['PENDING', 'CAPTURED', 'VOIDED', 'EXPIRED'];
export const DEFAULT_HOLD_SECONDS = 600;

export interface HoldOutcome {
  outcome: HoldOutcomeKind;
  /** The captured part (CAPTURED only; 0 otherwise). */
  captured_amount: number;
  /** The operation of the request that captured (its `Idempotency-Key`'s op id), so its retry is recognised. */
  op_id: string | null;
}

export type HoldLeg = 'DEBIT' | 'RELEASE';

/**
 * The ledger operation of a hold's leg: `HOLD:<id>:DEBIT` takes the money out of the available balance
 * when the hold is authorised; `HOLD:<id>:RELEASE` gives back what was not captured (all of it on a void
 * or an expiry). Each lands at most once, whatever retries or concurrent executions happen.
 */
export function holdOpId(holdId: string, leg: HoldLeg): string {
  return `HOLD:${holdId}:${leg}`;
}

interface HoldFacts {
  _id: string;
  user_id: string;
  amount: number;
  remarks: string;
}

/** The posting of the authorisation: a DEBIT of the whole amount, PENDING until the hold is decided. */
export function holdDebit(h: HoldFacts): Omit<Posting, 'mayExist'> {
  return { opId: holdOpId(h._id, 'DEBIT'), walletId: h.user_id, entryType: 'HOLD', direction: 'DEBIT', amount: h.amount, refId: h._id, remarks: h.remarks, status: 'PENDING' };
}

/** The posting of the release of `amount` (the uncaptured rest, or everything). */
export function holdRelease(h: HoldFacts, amount: number): Omit<Posting, 'mayExist'> {
  return {
    opId: holdOpId(h._id, 'RELEASE'),
    walletId: h.user_id,
    entryType: 'HOLD_RELEASE',
    direction: 'CREDIT',
    amount,
    refId: h._id,
    remarks: `Release: ${h.remarks}`.slice(0, 255),
  };
}

/** How a decided hold's money splits: the captured part stays out (a payment), the rest is released. */
export function settlementOf(held: number, outcome: Pick<HoldOutcome, 'outcome' | 'captured_amount'>): { captured: number; release: number } {
  const captured = outcome.outcome === 'CAPTURED' ? outcome.captured_amount : 0;
  return { captured, release: held - captured };
}

/** The public status of a decided hold. A `REJECTED` one whose debit turned up after all shows as expired. */
export function statusOf(outcome: HoldOutcomeKind, hasDebit: boolean): StoredHoldStatus {
  if (outcome === 'REJECTED') return hasDebit ? 'EXPIRED' : 'REJECTED';
  return outcome;
}

/**
 * The outcome a client request may claim at `now`: its own (`CAPTURED` or `VOIDED`) before `expires_at`,
 * `EXPIRED` from then on. The claim is the insert; whichever claim of capture, void and expiry lands first
 * is the only one there will ever be.
 */
export function claimAt(now: Date, expiresAt: Date, wanted: 'CAPTURED' | 'VOIDED'): 'CAPTURED' | 'VOIDED' | 'EXPIRED' {
  return now.getTime() >= expiresAt.getTime() ? 'EXPIRED' : wanted;
}

/** What a capture request answers, given the outcome that exists (`opId`: this request's operation). */
export function captureAnswer(outcome: HoldOutcome, opId: string): 'OK' | 'EXPIRED' | 'ALREADY_CAPTURED' | 'VOIDED' {
  switch (outcome.outcome) {
    case 'CAPTURED':
      return outcome.op_id === opId ? 'OK' : 'ALREADY_CAPTURED';
    case 'VOIDED':
      return 'VOIDED';
    default:
      return 'EXPIRED';
  }
}

/** What a void request answers: voiding twice is harmless, so any void outcome is the answer. */
export function voidAnswer(outcome: HoldOutcome): 'OK' | 'EXPIRED' | 'ALREADY_CAPTURED' {
  switch (outcome.outcome) {
    case 'VOIDED':
      return 'OK';
    case 'CAPTURED':
      return 'ALREADY_CAPTURED';
    default:
      return 'EXPIRED';
  }
}
