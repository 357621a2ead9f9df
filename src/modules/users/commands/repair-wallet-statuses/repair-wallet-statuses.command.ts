import { Command } from '@nestjs/cqrs';

/** Completes wallet status changes left half-done by a crash (markers older than `olderThanMs`). */
export class RepairWalletStatusesCommand extends Command<{ examined: number; repaired: number }> {
  constructor(readonly olderThanMs: number) {
    super();
  }
}
