import { Command } from '@nestjs/cqrs';

export class ExecuteTransferCommand extends Command<{ status: 'PENDING' | 'SUCCESS' | 'FAILED' | 'MISSING' }> {
  constructor(
    readonly transferId: string,
    /** When set and nothing is decided yet, the transfer is failed and refunded with this reason (retries exhausted). */
    readonly failReason?: string,
  ) {
    super();
  }
}
