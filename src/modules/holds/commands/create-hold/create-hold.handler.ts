import { Logger } from '@nestjs/common';
import { CommandHandler, ICommandHandler } from '@nestjs/cqrs';
import { AppConfig } from '../../../../config/app-config';
import { ValidationFailedError } from '../../../../common/errors';
import { formatDateTime } from '../../../../common/util/time';
import { WalletAccess, BalanceNotEnoughError, LedgerService } from '../../../wallet';
import { IdempotencyService } from '../../../idempotency';
import { DEFAULT_HOLD_SECONDS, HoldStatus, holdDebit } from '../../domain/hold';
import { HoldDocument } from '../../persistence/hold.schemas';
import { HoldsRepository } from '../../persistence/holds.repository';
import { HoldQueue } from '../../queue/hold-queue';
import { HoldSettlement } from '../../services/hold-settlement';
import { CreateHoldCommand, CreateHoldResult } from './create-hold.command';

/**
 * Authorises a hold: records it, debits the whole amount at once (a HOLD entry, PENDING), which is the
 * acceptance (so `Balance is not enough` is answered synchronously, decided by the ledger's slot claim),
 * and schedules its expiry. After the debit, the answer is the 201 whatever fails: a lost enqueue is
 * made up by the recovery sweep once the hold is due.
 */
@CommandHandler(CreateHoldCommand)
export class CreateHoldHandler implements ICommandHandler<CreateHoldCommand, CreateHoldResult> {
  private readonly logger = new Logger(CreateHoldHandler.name);

  constructor(
    private readonly ledger: LedgerService,
    private readonly idempotency: IdempotencyService,
    private readonly access: WalletAccess,
    private readonly holds: HoldsRepository,
    private readonly settlement: HoldSettlement,
    private readonly queue: HoldQueue,
    private readonly config: AppConfig,
  ) {}

  execute(cmd: CreateHoldCommand): Promise<CreateHoldResult> {
    this.access.checkAmount(cmd.amount);
    const seconds = cmd.expiresInSeconds ?? Math.min(DEFAULT_HOLD_SECONDS, this.config.holdMaxSeconds);
    if (seconds > this.config.holdMaxSeconds) {
      const message = `expires_in_seconds must not be greater than ${this.config.holdMaxSeconds}`;
      throw new ValidationFailedError(`Validation failed: ${message}`, { expires_in_seconds: [message] });
    }
    const body = { amount: cmd.amount, remarks: cmd.remarks, expires_in_seconds: seconds };
    return this.idempotency.run({ userId: cmd.userId, scope: 'holds', key: cmd.idempotencyKey, body }, async (holdId, mayExist) => {
      await this.access.usableWallet(cmd.userId);
      // Cheap early refusal; the ledger still decides under concurrency.
      if (!mayExist && (await this.ledger.balanceOf(cmd.userId)).balance < cmd.amount) throw new BalanceNotEnoughError();

      // The record first, so a hold whose debit lands is always found by the sweep once it is due.
      const now = new Date();
      const fresh: HoldDocument = {
        _id: holdId,
        user_id: cmd.userId,
        amount: cmd.amount,
        remarks: cmd.remarks,
        expires_at: new Date(now.getTime() + seconds * 1000),
        status: 'PENDING',
        captured_amount: 0,
        released_amount: 0,
        release_pending: false,
        settled: false,
        due_at: new Date(now.getTime() + seconds * 1000),
        created_at: now,
        updated_at: now,
      };
      const hold = (await this.holds.insert(fresh)) ? fresh : ((await this.holds.findById(holdId)) ?? fresh);
      let debit;
      try {
        debit = await this.ledger.post({ ...holdDebit(hold), mayExist });
      } catch (err) {
        // Refused: nothing moved and there is no hold (the record is settled as REJECTED by its expiry).
        if (err instanceof BalanceNotEnoughError) await this.settlement.reject(holdId).catch(() => undefined);
        throw err;
      }
      // From here on the money is held: whatever fails now must not turn the answer into an error.
      let status: HoldStatus = 'PENDING';
      const outcome = await this.holds.findOutcome(holdId).catch(() => null);
      if (outcome) {
        // Decided already (a retry of a hold since captured or voided, or an expiry that claimed REJECTED
        // before this debit landed): complete that outcome; its release is then this hold's answer too.
        status = (await this.settlement.complete(hold, debit, outcome).catch(() => null))?.status as HoldStatus ?? 'PENDING';
      } else {
        try {
          await this.queue.schedule(holdId, hold.expires_at);
        } catch (err) {
          this.logger.warn(`scheduling the expiry of hold ${holdId} failed, the recovery sweep will: ${(err as Error).message}`);
        }
      }
      return {
        hold_id: holdId,
        amount: debit.amount,
        remarks: debit.remarks,
        balance_before: debit.balance_before,
        balance_after: debit.balance_after,
        status,
        expires_at: formatDateTime(new Date(hold.expires_at), this.config.timeZone),
        created_date: formatDateTime(debit.created_at, this.config.timeZone),
      };
    });
  }
}
