import { Injectable } from '@nestjs/common';
import { LedgerEntry, BalanceLimitExceededError, LedgerService } from '../../wallet';
import { HoldOutcomeKind, holdOpId, holdRelease, settlementOf, statusOf } from '../domain/hold';
import { HoldDocument, HoldOutcomeDocument } from '../persistence/hold.schemas';
import { HoldState, HoldsRepository } from '../persistence/holds.repository';

/**
 * Deciding and settling a hold, shared by capture, void and expiry. Every step is safe to repeat and to
 * run concurrently (docs/ledger.md, "Holds"):
 *  1. `decide`: the outcome is claimed by an insert under the hold id, so exactly one of capture, void
 *     and expiry is ever recorded; a later claim reads the one that exists;
 *  2. `complete`: the legs the outcome implies are posted idempotently: the release of what was not
 *     captured (`HOLD:<id>:RELEASE`, at most once), then the debit entry's status and the hold's view.
 * A crash between 1 and 2 leaves a decided hold with `settled: false`, which the next capture/void call,
 * the expiry job or the recovery sweep completes from the outcome, never from the caller's wish.
 */
@Injectable()
export class HoldSettlement {
  constructor(
    private readonly ledger: LedgerService,
    private readonly holds: HoldsRepository,
  ) {}

  /** The hold's debit entry: what makes the hold exist (null when it was never written). */
  debitOf(holdId: string): Promise<LedgerEntry | null> {
    return this.ledger.findByOp(holdOpId(holdId, 'DEBIT'));
  }

  /** Claims `kind` for the hold unless an outcome exists already; returns the outcome that exists. */
  async decide(
    hold: HoldDocument,
    kind: HoldOutcomeKind,
    details: { captured_amount?: number; op_id?: string | null; decided_by?: string | null } = {},
  ): Promise<HoldOutcomeDocument> {
    const existing = await this.holds.findOutcome(hold._id);
    if (existing) return existing;
    const now = new Date();
    const outcome = await this.holds.claimOutcome({
      _id: hold._id,
      outcome: kind,
      captured_amount: kind === 'CAPTURED' ? (details.captured_amount ?? 0) : 0,
      op_id: kind === 'CAPTURED' ? (details.op_id ?? null) : null,
      decided_by: details.decided_by ?? null,
      decided_at: now,
    });
    // Due now: if this process dies before the legs are written, the sweep completes them promptly.
    if (outcome.decided_at.getTime() === now.getTime()) await this.holds.setState(hold._id, { due_at: now }, now);
    return outcome;
  }

  /**
   * Writes what the outcome implies (idempotent): the release of the uncaptured part, the debit entry's
   * status (SUCCESS when something was captured, FAILED otherwise), the hold's view. A release that would
   * take the wallet above MAX_BALANCE is not written: the outcome stands, `release_pending` is set and the
   * hold stays unsettled, so the job and the sweep retry it until the wallet has room.
   */
  async complete(hold: Pick<HoldDocument, '_id' | 'user_id' | 'remarks'>, debit: LedgerEntry, outcome: HoldOutcomeDocument): Promise<HoldState> {
    const { captured, release } = settlementOf(debit.amount, outcome);
    let releasePending = false;
    if (release > 0) {
      try {
        await this.ledger.post({ ...holdRelease({ _id: hold._id, user_id: debit.wallet_id, amount: debit.amount, remarks: debit.remarks }, release), mayExist: true });
      } catch (err) {
        if (!(err instanceof BalanceLimitExceededError)) throw err;
        releasePending = true;
      }
    }
    if (captured > 0 || !releasePending) await this.ledger.setStatus(debit, captured > 0 ? 'SUCCESS' : 'FAILED');
    const now = new Date();
    const state: HoldState = {
      status: statusOf(outcome.outcome, true),
      captured_amount: captured,
      released_amount: releasePending ? 0 : release,
      release_pending: releasePending,
      settled: !releasePending,
      due_at: outcome.decided_at,
    };
    await this.holds.setState(hold._id, state, now);
    return state;
  }

  /** A hold whose debit never happened: settled as REJECTED (it never existed for its owner). */
  async reject(holdId: string): Promise<void> {
    await this.holds.setState(holdId, { status: 'REJECTED', settled: true }, new Date());
  }
}
