import { IQueryHandler, QueryHandler } from '@nestjs/cqrs';
import { AppConfig } from '../../../../config/app-config';
import { settlementOf, statusOf } from '../../domain/hold';
import { HoldNotFoundError } from '../../domain/hold.errors';
import { HoldsRepository } from '../../persistence/holds.repository';
import { HoldSettlement } from '../../services/hold-settlement';
import { HoldView, holdView } from '../../services/hold-view';
import { GetHoldQuery } from './get-hold.query';

/**
 * A hold, for its owner (or an admin): anybody else gets 404, as for an unknown id. A hold exists once
 * its debit is written. Its status is its outcome's as soon as one is claimed, even while the legs are
 * still being written (`released_amount` and `release_pending` then tell how far they are).
 */
@QueryHandler(GetHoldQuery)
export class GetHoldHandler implements IQueryHandler<GetHoldQuery, HoldView> {
  constructor(
    private readonly holds: HoldsRepository,
    private readonly settlement: HoldSettlement,
    private readonly config: AppConfig,
  ) {}

  async execute(q: GetHoldQuery): Promise<HoldView> {
    const [hold, outcome, debit] = await Promise.all([this.holds.findById(q.holdId), this.holds.findOutcome(q.holdId), this.settlement.debitOf(q.holdId)]);
    if (!hold || !debit || (hold.user_id !== q.actor.userId && q.actor.role !== 'ADMIN')) throw new HoldNotFoundError();
    const view = holdView(hold, this.config.timeZone);
    if (outcome && view.status === 'PENDING') {
      view.status = statusOf(outcome.outcome, true) as HoldView['status'];
      view.captured_amount = settlementOf(debit.amount, outcome).captured;
    }
    return view;
  }
}
