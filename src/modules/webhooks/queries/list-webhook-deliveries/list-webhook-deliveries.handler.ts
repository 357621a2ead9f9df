import { IQueryHandler, QueryHandler } from '@nestjs/cqrs';
import type { Pagination } from '../../../../common/http/envelope';
import { AppConfig } from '../../../../config/app-config';
import { WebhookNotFoundError } from '../../domain/webhook.errors';
import { WebhooksRepository } from '../../persistence/webhooks.repository';
import { attemptView, WebhookAttemptView } from '../../webhooks.views';
import { ListWebhookDeliveriesQuery } from './list-webhook-deliveries.query';

/** The endpoint's delivery log: every attempt, newest first; paged by attempt id (UUID v7, time ordered). */
@QueryHandler(ListWebhookDeliveriesQuery)
export class ListWebhookDeliveriesHandler implements IQueryHandler<ListWebhookDeliveriesQuery, { items: WebhookAttemptView[]; pagination: Pagination }> {
  constructor(
    private readonly repo: WebhooksRepository,
    private readonly config: AppConfig,
  ) {}

  async execute(q: ListWebhookDeliveriesQuery): Promise<{ items: WebhookAttemptView[]; pagination: Pagination }> {
    if (!(await this.repo.findEndpoint(q.webhookId))) throw new WebhookNotFoundError();
    const found = await this.repo.listAttempts(q.webhookId, { before: q.cursor?.toLowerCase(), eventId: q.eventId, limit: q.limit + 1 });
    const page = found.slice(0, q.limit);
    const hasMore = found.length > q.limit;
    return {
      items: page.map((a) => attemptView(a, this.config.timeZone)),
      pagination: { next_cursor: hasMore ? page[page.length - 1]._id : null, has_more: hasMore },
    };
  }
}
