import { Command } from '@nestjs/cqrs';
import type { TransferDocument } from '../../persistence/transfer.schemas';

export class ExecuteTransferCommand extends Command<{ status: 'PENDING' | 'SUCCESS' | 'FAILED' | 'MISSING' }> {
  constructor(
    readonly transferId: string,
    /** When set and nothing is decided yet, the transfer is failed and refunded with this reason (retries exhausted). */
    readonly failReason?: string,
    /** The record as its accepting request wrote it (carried by the job), read instead of the stored one. */
    readonly accepted?: TransferDocument,
  ) {
    super();
  }
}
