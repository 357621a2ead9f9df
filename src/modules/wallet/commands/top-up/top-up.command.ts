import { Command } from '@nestjs/cqrs';

export interface TopUpResult {
  top_up_id: string;
  amount_top_up: number;
  balance_before: number;
  balance_after: number;
  created_date: string;
}

export class TopUpCommand extends Command<TopUpResult> {
  constructor(
    readonly userId: string,
    readonly amount: number,
    readonly idempotencyKey?: string,
  ) {
    super();
  }
}
