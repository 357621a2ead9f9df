import { InjectQueue } from '@nestjs/bull';
import { Injectable, Logger, OnApplicationBootstrap } from '@nestjs/common';
import { CommandBus } from '@nestjs/cqrs';
import type { Job, Queue } from 'bull';
import { AppConfig } from '../../../config/app-config';
import { processJobs } from '../../../infrastructure/queue-processing';
import { CatchUpWebhookDispatchCommand } from '../commands/catch-up-webhook-dispatch/catch-up-webhook-dispatch.command';
import { DeliverWebhookCommand } from '../commands/deliver-webhook/deliver-webhook.command';
import { CATCH_UP_JOB, DELIVER_WEBHOOK_JOB, DeliverWebhookJobData, WEBHOOK_QUEUE } from './webhook-queue';

/**
 * Thin Bull processor of the `webhooks` queue: one delivery attempt per job run (`TRANSFER_CONCURRENCY`
 * at once, typed config, so registered at bootstrap), and the periodic catch-up.
 */
@Injectable()
export class WebhookProcessor implements OnApplicationBootstrap {
  private readonly logger = new Logger(WebhookProcessor.name);

  constructor(
    private readonly commands: CommandBus,
    @InjectQueue(WEBHOOK_QUEUE) private readonly queue: Queue<DeliverWebhookJobData>,
    private readonly config: AppConfig,
  ) {}

  onApplicationBootstrap(): void {
    // Both handlers are set before Bull fetches a job (it fails a job whose name has no handler).
    processJobs(this.queue, DELIVER_WEBHOOK_JOB, this.config.transferConcurrency, (job) => this.deliver(job), this.logger);
    processJobs(this.queue, CATCH_UP_JOB, 1, () => this.catchUp(), this.logger);
  }

  deliver(job: Job<DeliverWebhookJobData>) {
    const attempt = job.attemptsMade + 1;
    return this.commands.execute(new DeliverWebhookCommand(job.data.deliveryId, attempt, attempt >= (job.opts.attempts ?? 1), job.data.manual === true, job.data.orderKey));
  }

  catchUp() {
    return this.commands.execute(new CatchUpWebhookDispatchCommand());
  }
}
