import { Command } from '@nestjs/cqrs';

/** The periodic catch-up of the dispatcher; answers how many wallets it dispatched. */
export class CatchUpWebhookDispatchCommand extends Command<number> {}
