import { CommandHandler, ICommandHandler } from '@nestjs/cqrs';
import { InjectMetric } from '@willsoto/nestjs-prometheus';
import type { Counter } from 'prom-client';
import { newId } from '../../../../common/util/ids';
import { KeyedMutex } from '../../../../common/util/keyed-mutex';
import type { AttemptOutcome } from '../../persistence/webhook.schemas';
import { WebhooksRepository } from '../../persistence/webhooks.repository';
import { WebhookSender } from '../../services/webhook-sender';
import { DeliverWebhookCommand, deliveryOrderKey, WebhookAttemptFailedError } from './deliver-webhook.command';

export const WEBHOOK_DELIVERIES_METRIC = 'dompet_webhook_deliveries_total';

/**
 * One attempt of a delivery. Safe to run twice or at once: a delivery that is no longer PENDING is not
 * sent again by an automatic job (only a manual redelivery sends a DELIVERED or FAILED one), a success
 * is never overwritten by a failure, and a receiver recognises a duplicate by its event id. Attempts of
 * one user's events to one endpoint go out one at a time in this process, in the order their jobs started:
 * the job names its order key, so the turn is taken when the job starts, before any read (a job queued
 * without one takes its turn once its delivery is read).
 */
@CommandHandler(DeliverWebhookCommand)
export class DeliverWebhookHandler implements ICommandHandler<DeliverWebhookCommand, AttemptOutcome | 'SKIPPED'> {
  private readonly inOrder = new KeyedMutex();

  constructor(
    private readonly repo: WebhooksRepository,
    private readonly sender: WebhookSender,
    @InjectMetric(WEBHOOK_DELIVERIES_METRIC) private readonly deliveries: Counter<string>,
  ) {}

  execute(c: DeliverWebhookCommand): Promise<AttemptOutcome | 'SKIPPED'> {
    return c.orderKey ? this.inOrder.run(c.orderKey, () => this.attempt(c, true)) : this.attempt(c, false);
  }

  private async attempt(c: DeliverWebhookCommand, inTurn: boolean): Promise<AttemptOutcome | 'SKIPPED'> {
    const delivery = await this.repo.findDelivery(c.deliveryId);
    if (!delivery || (!c.manual && delivery.status !== 'PENDING')) return 'SKIPPED';
    const endpoint = await this.repo.findEndpoint(delivery.endpoint_id);
    const attempt = c.manual ? (await this.repo.countAttempts(delivery._id)) + 1 : c.attempt;
    const record = (outcome: AttemptOutcome, statusCode: number | null, latencyMs: number, error: string | null) =>
      this.repo.insertAttempt({
        _id: newId(),
        endpoint_id: delivery.endpoint_id,
        delivery_id: delivery._id,
        event_id: delivery.event_id,
        event_type: delivery.event_type,
        attempt,
        manual: c.manual,
        status_code: statusCode,
        latency_ms: latencyMs,
        outcome,
        error,
        created_at: new Date(),
      });

    if (!endpoint) {
      // Deleted since: the delivery ends here.
      await this.repo.setDeliveryState(delivery._id, 'FAILED', delivery.last_status_code, new Date());
      await record('CANCELLED', null, 0, 'the webhook endpoint was deleted');
      this.deliveries.inc({ outcome: 'CANCELLED' });
      return 'CANCELLED';
    }

    const send = () => this.sender.send(endpoint.url, endpoint.secret, { deliveryId: delivery._id, eventId: delivery.event_id, eventType: delivery.event_type, body: delivery.body });
    const result = inTurn ? await send() : await this.inOrder.run(deliveryOrderKey(endpoint._id, delivery.user_id), send);
    const outcome: AttemptOutcome = result.ok ? 'DELIVERED' : c.manual || c.last ? 'FAILED' : 'RETRYING';
    const now = new Date();
    if (result.ok) await this.repo.setDeliveryState(delivery._id, 'DELIVERED', result.statusCode, now);
    else if (!c.manual) await this.repo.setDeliveryState(delivery._id, c.last ? 'FAILED' : 'PENDING', result.statusCode, now);
    await record(outcome, result.statusCode, result.latencyMs, result.error);
    this.deliveries.inc({ outcome });
    if (!result.ok) throw new WebhookAttemptFailedError(delivery._id, result.error ?? `HTTP ${result.statusCode}`);
    return outcome;
  }
}
