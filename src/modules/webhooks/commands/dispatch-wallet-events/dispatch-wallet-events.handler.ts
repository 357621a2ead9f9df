import { CommandHandler, ICommandHandler, QueryBus } from '@nestjs/cqrs';
import { InjectMetric } from '@willsoto/nestjs-prometheus';
import type { Counter } from 'prom-client';
import { parseZonedDateTime } from '../../../../common/util/time';
import { AppConfig } from '../../../../config/app-config';
import type { WalletEvent } from '../../../events';
import { ReadEventsQuery } from '../../../events';
import { deliveryOrderKey } from '../deliver-webhook/deliver-webhook.command';
import { cursorAfter, DispatchCursor, readAfter, seqOfCursor, START_CURSOR } from '../../domain/dispatch-cursor';
import { WebhooksRepository } from '../../persistence/webhooks.repository';
import { WebhookQueue } from '../../queue/webhook-queue';
import { subscribes } from '../../webhooks.views';
import { DispatchWalletEventsCommand } from './dispatch-wallet-events.command';

export const WEBHOOK_EVENTS_DISPATCHED_METRIC = 'dompet_webhook_events_dispatched_total';
const BATCH = 100;

/**
 * Reads the wallet's events after its dispatch cursor (through the events module's read query: the
 * same events, payloads and order as `GET /events`) and, for each endpoint subscribed to an event's type
 * and registered before it happened, records the delivery (claimed by insert under
 * `<webhook_id>:<event_id>`) and queues its job (job id = delivery id). The cursor moves only after a
 * batch is queued, so a crash in between re-reads the batch, whose deliveries and jobs then exist.
 * Running it twice, or in two workers at once, queues nothing twice.
 */
@CommandHandler(DispatchWalletEventsCommand)
export class DispatchWalletEventsHandler implements ICommandHandler<DispatchWalletEventsCommand, number | null> {
  constructor(
    private readonly repo: WebhooksRepository,
    private readonly queries: QueryBus,
    private readonly queue: WebhookQueue,
    private readonly config: AppConfig,
    @InjectMetric(WEBHOOK_EVENTS_DISPATCHED_METRIC) private readonly dispatched: Counter<string>,
  ) {}

  /** The deliveries created; null when no endpoint is registered at all (nothing read, the cursor unmoved). */
  async execute(c: DispatchWalletEventsCommand): Promise<number | null> {
    if (!(await this.repo.anyEndpoint())) return null;
    let after: DispatchCursor = (await this.repo.findCursor(c.walletId))?.after ?? START_CURSOR;
    let created = 0;
    for (;;) {
      const events: WalletEvent[] = await this.queries.execute(new ReadEventsQuery(c.walletId, readAfter(after), BATCH));
      if (!events.length) break;
      // Listed after the events are read: an endpoint registered before one of them is in the list.
      const endpoints = await this.repo.listEndpoints();
      for (const event of events) {
        const at = parseZonedDateTime(event.created_date, this.config.timeZone)?.getTime() ?? Date.now();
        let fresh = false;
        for (const endpoint of endpoints) {
          // An endpoint gets the events from its registration on (to the second: created_date has no finer grain).
          if (!subscribes(endpoint, event.type) || at < Math.floor(endpoint.created_at.getTime() / 1000) * 1000) continue;
          const deliveryId = `${endpoint._id}:${event.event_id}`;
          const now = new Date();
          const inserted = await this.repo.insertDelivery({
            _id: deliveryId,
            endpoint_id: endpoint._id,
            event_id: event.event_id,
            event_type: event.type,
            user_id: event.user_id,
            body: JSON.stringify(event),
            status: 'PENDING',
            last_status_code: null,
            created_at: now,
            updated_at: now,
          });
          // Queued again even when the delivery existed: a crash may have come between the two.
          await this.queue.deliver(deliveryId, deliveryOrderKey(endpoint._id, event.user_id));
          if (inserted) {
            created++;
            fresh = true;
          }
        }
        if (fresh) this.dispatched.inc({ type: event.type });
      }
      after = cursorAfter(events[events.length - 1]);
      await this.repo.advanceCursor(c.walletId, after, seqOfCursor(after), new Date());
      // Read again until nothing is left: a batch may be cut short of BATCH with more to come.
    }
    return created;
  }
}
