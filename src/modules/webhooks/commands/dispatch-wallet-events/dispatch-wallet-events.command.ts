import { Command } from '@nestjs/cqrs';

/**
 * Turns a wallet's events after its dispatch cursor into deliveries; answers how many deliveries were
 * new, or null when no endpoint is registered at all (nothing read, the cursor unmoved).
 */
export class DispatchWalletEventsCommand extends Command<number | null> {
  constructor(readonly walletId: string) {
    super();
  }
}
