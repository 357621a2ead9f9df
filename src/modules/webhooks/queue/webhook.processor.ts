import { InjectQueue } from '@nestjs/bull';
import { Injectable, Logger, OnApplicationBootstrap } from '@nestjs/common';
import { CommandBus } from '@nestjs/cqrs';
import type { Job, Queue } from 'bull';
import { AppConfig } from '../../../config/app-config';
import { processJobs } from '../../../infrastructure/queue-processing';
import { CatchUpWebhookDispatchCommand } from '../commands/catch-up-webhook-dispatch/catch-up-webhook-dispatch.command';
import { DeliverWebhookCommand } from '../commands/deliver-webhook/deliver-webhook.command';
import { DELIVER_WEBHOOK_JOB, LEGACY_CATCH_UP_JOB, DeliverWebhookJobData, WEBHOOK_QUEUE, WebhookQueue } from './webhook-queue';

/**
 * Thin Bull processor of the `webhooks` queue: one delivery attempt per job run (`TRANSFER_CONCURRENCY`
 * at once, typed config, so registered at bootstrap), and the last tick of an earlier version's catch-up
 * schedule, which it removes.
 */
@Injectable()
export class WebhookProcessor implements OnApplicationBootstrap {
  private readonly logger = new Logger(WebhookProcessor.name);

  constructor(
    private readonly commands: CommandBus,
    @InjectQueue(WEBHOOK_QUEUE) private readonly queue: Queue<DeliverWebhookJobData>,
    private readonly config: AppConfig,
    private readonly webhooks: WebhookQueue,
  ) {}

  onApplicationBootstrap(): void {
    // Both handlers are set before Bull fetches a job (it fails a job whose name has no handler).
    processJobs(this.queue, DELIVER_WEBHOOK_JOB, this.config.transferConcurrency, (job) => this.deliver(job), this.logger);
    processJobs(this.queue, LEGACY_CATCH_UP_JOB, 1, () => this.commands.execute(new CatchUpWebhookDispatchCommand()), this.logger);
    this.webhooks.removeLegacyCatchUpSchedule().catch((err: Error) => this.logger.warn(`the earlier catch-up schedule was not removed: ${err.message}`));
  }

  deliver(job: Job<DeliverWebhookJobData>) {
    const attempt = job.attemptsMade + 1;
    return this.commands.execute(new DeliverWebhookCommand(job.data.deliveryId, attempt, attempt >= (job.opts.attempts ?? 1), job.data.manual === true, job.data.orderKey));
  }
}
