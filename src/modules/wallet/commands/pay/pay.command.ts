import { Command } from '@nestjs/cqrs';

export interface PayResult {
  payment_id: string;
  amount: number;
  remarks: string;
  balance_before: number;
  balance_after: number;
  created_date: string;
}

export class PayCommand extends Command<PayResult> {
  constructor(
    readonly userId: string,
    readonly amount: number,
    readonly remarks: string,
    readonly idempotencyKey?: string,
    /** Whether the wallet is frozen, as the request's session check found it; undefined: read the user. */
    readonly walletFrozen?: boolean,
  ) {
    super();
  }
}
