import { Logger } from '@nestjs/common';
import { CommandBus, CommandHandler, ICommandHandler, QueryBus } from '@nestjs/cqrs';
import { ListUsersQuery } from '../../../users';
import { WebhooksRepository } from '../../persistence/webhooks.repository';
import { DispatchWalletEventsCommand } from '../dispatch-wallet-events/dispatch-wallet-events.command';
import { CatchUpWebhookDispatchCommand } from './catch-up-webhook-dispatch.command';

/** Users per page of the walk (the administrators' user listing, in registration order). */
const PAGE = 1000;

/**
 * What the doorbell did not announce (a lost message, Redis down, no worker subscribed for a while):
 * dispatches every user's wallet, which reads its events after its dispatch cursor (one `_id` read per
 * user when nothing is new). A user seen for the first time has its history read once; events older than
 * every endpoint are skipped, and the cursor it leaves makes later runs cheap. Runs as a Bull repeatable
 * job: once per tick whatever the number of workers, one wallet at a time.
 */
@CommandHandler(CatchUpWebhookDispatchCommand)
export class CatchUpWebhookDispatchHandler implements ICommandHandler<CatchUpWebhookDispatchCommand, number> {
  private readonly logger = new Logger(CatchUpWebhookDispatchHandler.name);

  constructor(
    private readonly repo: WebhooksRepository,
    private readonly commands: CommandBus,
    private readonly queries: QueryBus,
  ) {}

  async execute(): Promise<number> {
    if (!(await this.repo.anyEndpoint())) return 0;
    let created = 0;
    let cursor: string | undefined;
    do {
      const page = await this.queries.execute(new ListUsersQuery(undefined, PAGE, cursor));
      for (const user of page.items) {
        try {
          created += (await this.commands.execute(new DispatchWalletEventsCommand(user.user_id))) ?? 0;
        } catch (err) {
          // One wallet's failure (a read, a full queue) does not hold back the others: the next run retries it.
          this.logger.warn(`webhook catch-up of ${user.user_id} failed: ${(err as Error).message}`);
        }
      }
      cursor = page.pagination.next_cursor ?? undefined;
    } while (cursor);
    return created;
  }
}
