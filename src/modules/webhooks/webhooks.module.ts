import { BullModule } from '@nestjs/bull';
import { DynamicModule, Module, Provider } from '@nestjs/common';
import { CqrsModule } from '@nestjs/cqrs';
import { MongooseModule } from '@nestjs/mongoose';
import { makeCounterProvider } from '@willsoto/nestjs-prometheus';
import { AppConfig } from '../../config/app-config';
import { PeriodicJobsModule } from '../../infrastructure/periodic-jobs';
import { WalletModule } from '../wallet';
import { CatchUpWebhookDispatchHandler } from './commands/catch-up-webhook-dispatch/catch-up-webhook-dispatch.handler';
import { DeleteWebhookHandler } from './commands/delete-webhook/delete-webhook.handler';
import { DeliverWebhookHandler, WEBHOOK_DELIVERIES_METRIC } from './commands/deliver-webhook/deliver-webhook.handler';
import { DispatchWalletEventsHandler, WEBHOOK_EVENTS_DISPATCHED_METRIC } from './commands/dispatch-wallet-events/dispatch-wallet-events.handler';
import { RedeliverWebhookHandler } from './commands/redeliver-webhook/redeliver-webhook.handler';
import { RegisterWebhookHandler } from './commands/register-webhook/register-webhook.handler';
import { retryDelayAfter } from './domain/retry-schedule';
import {
  WebhookAttemptDocument,
  WebhookAttemptSchema,
  WebhookCursorDocument,
  WebhookCursorSchema,
  WebhookDeliveryDocument,
  WebhookDeliverySchema,
  WebhookEndpointDocument,
  WebhookEndpointSchema,
} from './persistence/webhook.schemas';
import { WebhooksRepository } from './persistence/webhooks.repository';
import { ListWebhookDeliveriesHandler } from './queries/list-webhook-deliveries/list-webhook-deliveries.handler';
import { ListWebhooksHandler } from './queries/list-webhooks/list-webhooks.handler';
import { WebhookDispatcher } from './queue/webhook-dispatcher.service';
import { retrySettings, WEBHOOK_BACKOFF, WEBHOOK_QUEUE, WebhookQueue } from './queue/webhook-queue';
import { WebhookProcessor } from './queue/webhook.processor';
import { WebhookSender } from './services/webhook-sender';
import { WebhookTargetGuard } from './services/webhook-target-guard';
import { WebhooksHttpController } from './webhooks.http.controller';

/**
 * Webhooks: administrators register endpoints (API); the worker dispatches every wallet event (read
 * through the events module's query) to the subscribed endpoints as signed deliveries on the `webhooks`
 * Bull queue. `worker: false` (APP_ROLE=api) leaves out the processor and the dispatcher.
 */
@Module({})
export class WebhooksModule {
  static forRoot(options: { worker: boolean }): DynamicModule {
    const workerProviders: Provider[] = options.worker ? [WebhookProcessor, WebhookDispatcher] : [];
    return {
      module: WebhooksModule,
      imports: [
        CqrsModule,
        WalletModule,
        PeriodicJobsModule,
        BullModule.registerQueueAsync({
          name: WEBHOOK_QUEUE,
          inject: [AppConfig],
          useFactory: (c: AppConfig) => ({ settings: { backoffStrategies: { [WEBHOOK_BACKOFF]: (attemptsMade: number) => retryDelayAfter(retrySettings(c), attemptsMade) } } }),
        }),
        MongooseModule.forFeature([
          { name: WebhookEndpointDocument.name, schema: WebhookEndpointSchema },
          { name: WebhookDeliveryDocument.name, schema: WebhookDeliverySchema },
          { name: WebhookAttemptDocument.name, schema: WebhookAttemptSchema },
          { name: WebhookCursorDocument.name, schema: WebhookCursorSchema },
        ]),
      ],
      controllers: [WebhooksHttpController],
      providers: [
        WebhooksRepository,
        WebhookQueue,
        WebhookTargetGuard,
        WebhookSender,
        RegisterWebhookHandler,
        DeleteWebhookHandler,
        RedeliverWebhookHandler,
        DeliverWebhookHandler,
        DispatchWalletEventsHandler,
        CatchUpWebhookDispatchHandler,
        ListWebhooksHandler,
        ListWebhookDeliveriesHandler,
        makeCounterProvider({ name: WEBHOOK_DELIVERIES_METRIC, help: 'Webhook delivery attempts, by outcome (DELIVERED, RETRYING, FAILED, CANCELLED)', labelNames: ['outcome'] }),
        makeCounterProvider({ name: WEBHOOK_EVENTS_DISPATCHED_METRIC, help: 'Events turned into webhook deliveries (at least one endpoint subscribed), by type', labelNames: ['type'] }),
        ...workerProviders,
      ],
    };
  }
}
