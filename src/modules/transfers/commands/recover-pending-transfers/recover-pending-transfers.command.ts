import { Command } from '@nestjs/cqrs';

export class RecoverPendingTransfersCommand extends Command<{ examined: number; enqueued: number }> {
  constructor(readonly olderThanMs: number) {
    super();
  }
}
