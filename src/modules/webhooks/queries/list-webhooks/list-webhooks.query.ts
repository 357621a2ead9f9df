import { Query } from '@nestjs/cqrs';
import type { WebhookView } from '../../webhooks.views';

export class ListWebhooksQuery extends Query<WebhookView[]> {}
