import { Command } from '@nestjs/cqrs';

export interface CreateTransferResult {
  transfer_id: string;
  amount: number;
  remarks: string;
  balance_before: number;
  balance_after: number;
  created_date: string;
  status: 'PENDING' | 'SUCCESS' | 'FAILED';
}

export class CreateTransferCommand extends Command<CreateTransferResult> {
  constructor(
    readonly senderId: string,
    readonly targetUserId: string,
    readonly amount: number,
    readonly remarks: string,
    readonly idempotencyKey?: string,
  ) {
    super();
  }
}
