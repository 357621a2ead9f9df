import { Query } from '@nestjs/cqrs';
import type { WebhookView } from '../../webhook.views';

export class ListWebhooksQuery extends Query<WebhookView[]> {}
