import { Command } from '@nestjs/cqrs';

export class RecoverDueHoldsCommand extends Command<{ examined: number; enqueued: number }> {
  constructor(readonly olderThanMs: number) {
    super();
  }
}
