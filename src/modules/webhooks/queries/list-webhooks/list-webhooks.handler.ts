import { IQueryHandler, QueryHandler } from '@nestjs/cqrs';
import { AppConfig } from '../../../../config/app-config';
import { WebhooksRepository } from '../../persistence/webhooks.repository';
import { WebhookView, webhookView } from '../../webhooks.views';
import { ListWebhooksQuery } from './list-webhooks.query';

/** Every registered endpoint, oldest first, without its secret. */
@QueryHandler(ListWebhooksQuery)
export class ListWebhooksHandler implements IQueryHandler<ListWebhooksQuery, WebhookView[]> {
  constructor(
    private readonly repo: WebhooksRepository,
    private readonly config: AppConfig,
  ) {}

  async execute(): Promise<WebhookView[]> {
    return (await this.repo.listEndpoints()).map((e) => webhookView(e, this.config.timeZone));
  }
}
