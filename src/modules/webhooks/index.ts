// Public surface of the webhooks module: what other modules may import.
export { WebhooksModule } from './webhooks.module';
export { RegisterWebhookCommand } from './commands/register-webhook/register-webhook.command';
export { DeleteWebhookCommand } from './commands/delete-webhook/delete-webhook.command';
export { RedeliverWebhookCommand } from './commands/redeliver-webhook/redeliver-webhook.command';
export { DeliverWebhookCommand } from './commands/deliver-webhook/deliver-webhook.command';
export { DispatchWalletEventsCommand } from './commands/dispatch-wallet-events/dispatch-wallet-events.command';
export { CatchUpWebhookDispatchCommand } from './commands/catch-up-webhook-dispatch/catch-up-webhook-dispatch.command';
export { ListWebhooksQuery } from './queries/list-webhooks/list-webhooks.query';
export { ListWebhookDeliveriesQuery } from './queries/list-webhook-deliveries/list-webhook-deliveries.query';
// The Bull queue's name (the queue dashboard shows it).
export { WEBHOOK_QUEUE } from './queue/webhook-queue';
