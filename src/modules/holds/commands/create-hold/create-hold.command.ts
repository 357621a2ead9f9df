import { Command } from '@nestjs/cqrs';
import type { HoldStatus } from '../../domain/hold';

export interface CreateHoldResult {
  hold_id: string;
  amount: number;
  remarks: string;
  balance_before: number;
  balance_after: number;
  status: HoldStatus;
  expires_at: string;
  created_date: string;
}

export class CreateHoldCommand extends Command<CreateHoldResult> {
  constructor(
    readonly userId: string,
    readonly amount: number,
    readonly remarks: string,
    readonly expiresInSeconds?: number,
    readonly idempotencyKey?: string,
  ) {
    super();
  }
}
