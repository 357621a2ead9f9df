import { Logger } from '@nestjs/common';
import { CommandBus, CommandHandler, ICommandHandler } from '@nestjs/cqrs';
import { LedgerRepository } from '../../../wallet/persistence/ledger.repository';
import { WebhooksRepository } from '../../persistence/webhooks.repository';
import { DispatchWalletEventsCommand } from '../dispatch-wallet-events/dispatch-wallet-events.command';
import { CatchUpWebhookDispatchCommand } from './catch-up-webhook-dispatch.command';

const PAGE = 500;
/** Head hints are written right after their entry; a margin for clocks of different processes. */
const CLOCK_MARGIN_MS = 5_000;

/**
 * What the doorbell did not announce (a lost message, Redis down, a worker restarting): compares every
 * wallet's head hint with its dispatch cursor and dispatches the wallets that are behind. A wallet
 * without a cursor is only looked at when it moved after the oldest endpoint was registered (older
 * events are not sent to endpoints registered later). Runs as a Bull repeatable job: once per tick.
 */
@CommandHandler(CatchUpWebhookDispatchCommand)
export class CatchUpWebhookDispatchHandler implements ICommandHandler<CatchUpWebhookDispatchCommand, number> {
  private readonly logger = new Logger(CatchUpWebhookDispatchHandler.name);

  constructor(
    private readonly repo: WebhooksRepository,
    private readonly ledger: LedgerRepository,
    private readonly commands: CommandBus,
  ) {}

  async execute(): Promise<number> {
    const endpoints = await this.repo.listEndpoints();
    if (!endpoints.length) return 0;
    const since = Math.min(...endpoints.map((e) => e.created_at.getTime())) - CLOCK_MARGIN_MS;
    let dispatched = 0;
    let page: Array<{ walletId: string; seq: number; updatedAt: Date }> = [];
    const flush = async () => {
      const cursors = new Map((await this.repo.findCursors(page.map((h) => h.walletId))).map((c) => [c._id, c.seq]));
      for (const head of page) {
        const cursor = cursors.get(head.walletId);
        const behind = cursor === undefined ? head.updatedAt.getTime() >= since : head.seq > cursor;
        if (!behind) continue;
        try {
          await this.commands.execute(new DispatchWalletEventsCommand(head.walletId));
          dispatched++;
        } catch (err) {
          // One wallet's failure (a read, a full queue) does not hold back the others: the next run retries it.
          this.logger.warn(`webhook catch-up of ${head.walletId} failed: ${(err as Error).message}`);
        }
      }
      page = [];
    };
    for await (const head of this.ledger.walkHeadHints(PAGE)) {
      page.push(head);
      if (page.length >= PAGE) await flush();
    }
    if (page.length) await flush();
    return dispatched;
  }
}
