import { CommandHandler, ICommandHandler } from '@nestjs/cqrs';
import { AppConfig } from '../../../../config/app-config';
import { WalletAccess } from '../../../wallet';
import { IdempotencyService } from '../../../idempotency';
import { captureAnswer, claimAt } from '../../domain/hold';
import { CaptureExceedsHoldError, HoldAlreadyCapturedError, HoldExpiredError, HoldNotFoundError, HoldVoidedError } from '../../domain/hold.errors';
import { HoldsRepository } from '../../persistence/holds.repository';
import { HoldSettlement } from '../../services/hold-settlement';
import { HoldView, holdView } from '../../services/hold-view';
import { CaptureHoldCommand } from './capture-hold.command';

/**
 * Captures (part of) a hold: claims `CAPTURED` by the outcome insert (before `expires_at`; from then on
 * the claim is `EXPIRED`), then completes the legs: the captured part stays debited (the hold entry
 * becomes SUCCESS, a payment), the rest is released. A capture that loses to a void or an expiry moves
 * nothing and says so (409 HOLD_VOIDED, 422 HOLD_EXPIRED); a second capture is 409, unless it is a retry
 * with the first capture's `Idempotency-Key` (same operation id), which answers the capture.
 */
@CommandHandler(CaptureHoldCommand)
export class CaptureHoldHandler implements ICommandHandler<CaptureHoldCommand, HoldView> {
  constructor(
    private readonly holds: HoldsRepository,
    private readonly settlement: HoldSettlement,
    private readonly idempotency: IdempotencyService,
    private readonly access: WalletAccess,
    private readonly config: AppConfig,
  ) {}

  execute(cmd: CaptureHoldCommand): Promise<HoldView> {
    const body = { hold_id: cmd.holdId, amount: cmd.amount };
    return this.idempotency.run({ userId: cmd.userId, scope: 'hold-capture', key: cmd.idempotencyKey, body }, async (opId) => {
      const [hold, debit] = await Promise.all([this.holds.findById(cmd.holdId), this.settlement.debitOf(cmd.holdId)]);
      if (!hold || !debit || hold.user_id !== cmd.userId) throw new HoldNotFoundError();
      // The captured part is a payment: the same checks as POST /pay.
      await this.access.usableWallet(cmd.userId);
      if (cmd.amount > debit.amount) throw new CaptureExceedsHoldError(debit.amount);
      const outcome = await this.settlement.decide(hold, claimAt(new Date(), new Date(hold.expires_at), 'CAPTURED'), {
        captured_amount: cmd.amount,
        op_id: opId,
        decided_by: cmd.userId,
      });
      const state = await this.settlement.complete(hold, debit, outcome);
      switch (captureAnswer(outcome, opId)) {
        case 'OK':
          return holdView(hold, this.config.timeZone, state);
        case 'ALREADY_CAPTURED':
          throw new HoldAlreadyCapturedError();
        case 'VOIDED':
          throw new HoldVoidedError();
        case 'EXPIRED':
          throw new HoldExpiredError();
      }
    });
  }
}
