import { Command } from '@nestjs/cqrs';

export type ExpireHoldResult = { status: 'PENDING' | 'CAPTURED' | 'VOIDED' | 'EXPIRED' | 'REJECTED' | 'MISSING' };

/** Expires the hold if nobody decided it by `expires_at`, and completes whatever outcome it has. Idempotent. */
export class ExpireHoldCommand extends Command<ExpireHoldResult> {
  constructor(readonly holdId: string) {
    super();
  }
}
