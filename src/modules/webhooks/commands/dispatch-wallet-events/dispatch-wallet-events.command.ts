import { Command } from '@nestjs/cqrs';

/** Turns a wallet's events after its dispatch cursor into deliveries; answers how many deliveries were new. */
export class DispatchWalletEventsCommand extends Command<number> {
  constructor(readonly walletId: string) {
    super();
  }
}
