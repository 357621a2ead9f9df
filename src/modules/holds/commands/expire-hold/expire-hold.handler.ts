import { CommandHandler, ICommandHandler } from '@nestjs/cqrs';
import { ReleaseHeldError } from '../../domain/hold.errors';
import { HoldsRepository } from '../../persistence/holds.repository';
import { HoldSettlement } from '../../services/hold-settlement';
import { ExpireHoldCommand, ExpireHoldResult } from './expire-hold.command';

/** A job that fires this close before `expires_at` (clocks of processes differ) waits for it rather than leaving the hold to the sweep. */
const EARLY_WAIT_MS = 5_000;

/**
 * The expiry job (and the sweep's). Safe to run any number of times, concurrently with itself and with
 * capture and void:
 *  1. no outcome yet and `expires_at` passed: claim `EXPIRED` (an insert; a capture or void that claimed
 *     first wins, and is what gets completed). If the debit is not written (its request failed, or is
 *     still running), claim `REJECTED` instead, then look for the debit again: a request that debits
 *     after this claim finds the outcome right after its debit and releases the money itself;
 *  2. complete the outcome's legs (release of the uncaptured part, statuses). A release refused by the
 *     maximum balance throws, so the job is retried (then the sweep) until the wallet has room.
 */
@CommandHandler(ExpireHoldCommand)
export class ExpireHoldHandler implements ICommandHandler<ExpireHoldCommand, ExpireHoldResult> {
  constructor(
    private readonly holds: HoldsRepository,
    private readonly settlement: HoldSettlement,
  ) {}

  async execute(cmd: ExpireHoldCommand): Promise<ExpireHoldResult> {
    const [hold, found, existing] = await Promise.all([this.holds.findById(cmd.holdId), this.settlement.debitOf(cmd.holdId), this.holds.findOutcome(cmd.holdId)]);
    if (!hold) return { status: 'MISSING' };
    let debit = found;
    let outcome = existing;
    if (!outcome) {
      const early = new Date(hold.expires_at).getTime() - Date.now();
      if (early > EARLY_WAIT_MS) return { status: 'PENDING' };
      if (early > 0) await new Promise((resolve) => setTimeout(resolve, early + 5));
      outcome = await this.settlement.decide(hold, debit ? 'EXPIRED' : 'REJECTED');
      debit ??= await this.settlement.debitOf(cmd.holdId);
    }
    if (!debit) {
      if (outcome.outcome !== 'REJECTED') throw new Error(`hold ${hold._id} is ${outcome.outcome} but has no debit`);
      await this.settlement.reject(hold._id);
      return { status: 'REJECTED' };
    }
    const state = await this.settlement.complete(hold, debit, outcome);
    if (state.release_pending) throw new ReleaseHeldError(hold._id);
    return { status: state.status };
  }
}
