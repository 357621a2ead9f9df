import { Command } from '@nestjs/cqrs';
import type { HoldView } from '../../services/hold-view';

export class CaptureHoldCommand extends Command<HoldView> {
  constructor(
    readonly userId: string,
    readonly holdId: string,
    readonly amount: number,
    readonly idempotencyKey?: string,
  ) {
    super();
  }
}
