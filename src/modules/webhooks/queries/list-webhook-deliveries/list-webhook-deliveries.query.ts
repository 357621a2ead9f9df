import { Query } from '@nestjs/cqrs';
import type { Pagination } from '../../../../common/http/envelope';
import type { WebhookAttemptView } from '../../webhooks.views';

export class ListWebhookDeliveriesQuery extends Query<{ items: WebhookAttemptView[]; pagination: Pagination }> {
  constructor(
    readonly webhookId: string,
    readonly limit: number,
    readonly cursor: string | undefined,
    readonly eventId: string | undefined,
  ) {
    super();
  }
}
