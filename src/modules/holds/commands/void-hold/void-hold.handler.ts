import { CommandHandler, ICommandHandler } from '@nestjs/cqrs';
import { AppConfig } from '../../../../config/app-config';
import { claimAt, voidAnswer } from '../../domain/hold';
import { HoldAlreadyCapturedError, HoldExpiredError, HoldNotFoundError } from '../../domain/hold.errors';
import { HoldsRepository } from '../../persistence/holds.repository';
import { HoldSettlement } from '../../services/hold-settlement';
import { HoldView, holdView } from '../../services/hold-view';
import { VoidHoldCommand } from './void-hold.command';

/**
 * Voids a hold (its owner, or an admin): claims `VOIDED` by the outcome insert before `expires_at`, then
 * releases everything. Naturally idempotent: voiding a voided hold answers it again. A hold captured
 * first is 409 HOLD_ALREADY_CAPTURED; one that expired first is 422 HOLD_EXPIRED (its money is back).
 */
@CommandHandler(VoidHoldCommand)
export class VoidHoldHandler implements ICommandHandler<VoidHoldCommand, HoldView> {
  constructor(
    private readonly holds: HoldsRepository,
    private readonly settlement: HoldSettlement,
    private readonly config: AppConfig,
  ) {}

  async execute(cmd: VoidHoldCommand): Promise<HoldView> {
    const [hold, debit] = await Promise.all([this.holds.findById(cmd.holdId), this.settlement.debitOf(cmd.holdId)]);
    if (!hold || !debit || (hold.user_id !== cmd.actor.userId && cmd.actor.role !== 'ADMIN')) throw new HoldNotFoundError();
    const outcome = await this.settlement.decide(hold, claimAt(new Date(), new Date(hold.expires_at), 'VOIDED'), { decided_by: cmd.actor.userId });
    const state = await this.settlement.complete(hold, debit, outcome);
    switch (voidAnswer(outcome)) {
      case 'OK':
        return holdView(hold, this.config.timeZone, state);
      case 'ALREADY_CAPTURED':
        throw new HoldAlreadyCapturedError();
      case 'EXPIRED':
        throw new HoldExpiredError();
    }
  }
}
