import { CommandHandler, ICommandHandler } from '@nestjs/cqrs';
import { WebhookDeliveryNotFoundError, WebhookNotFoundError } from '../../domain/webhook.errors';
import { WebhooksRepository } from '../../persistence/webhooks.repository';
import { WebhookQueue } from '../../queue/webhook-queue';
import type { RedeliveryDto } from '../../webhooks.views';
import { RedeliverWebhookCommand } from './redeliver-webhook.command';

/** Queues one more attempt of a delivery of this endpoint: the same body and event id, a fresh signature. */
@CommandHandler(RedeliverWebhookCommand)
export class RedeliverWebhookHandler implements ICommandHandler<RedeliverWebhookCommand, RedeliveryDto> {
  constructor(
    private readonly repo: WebhooksRepository,
    private readonly queue: WebhookQueue,
  ) {}

  async execute(c: RedeliverWebhookCommand): Promise<RedeliveryDto> {
    if (!(await this.repo.findEndpoint(c.webhookId))) throw new WebhookNotFoundError();
    const delivery = await this.repo.findDelivery(c.deliveryId);
    if (!delivery || delivery.endpoint_id !== c.webhookId) throw new WebhookDeliveryNotFoundError();
    await this.queue.redeliver(delivery._id);
    return { delivery_id: delivery._id, event_id: delivery.event_id, event_type: delivery.event_type, status: 'QUEUED' };
  }
}
