import { Process, Processor } from '@nestjs/bull';
import { CommandBus } from '@nestjs/cqrs';
import type { Job } from 'bull';
import { workerConcurrency } from '../../../config/app-config';
import { CatchUpWebhookDispatchCommand } from '../commands/catch-up-webhook-dispatch/catch-up-webhook-dispatch.command';
import { DeliverWebhookCommand } from '../commands/deliver-webhook/deliver-webhook.command';
import { CATCH_UP_JOB, DELIVER_WEBHOOK_JOB, DeliverWebhookJobData, WEBHOOK_QUEUE } from './webhook-queue';

/** Thin Bull processor of the `webhooks` queue: one delivery attempt per job run, and the periodic catch-up. */
@Processor(WEBHOOK_QUEUE)
export class WebhookProcessor {
  constructor(private readonly commands: CommandBus) {}

  @Process({ name: DELIVER_WEBHOOK_JOB, concurrency: workerConcurrency() })
  deliver(job: Job<DeliverWebhookJobData>) {
    const attempt = job.attemptsMade + 1;
    return this.commands.execute(new DeliverWebhookCommand(job.data.deliveryId, attempt, attempt >= (job.opts.attempts ?? 1), job.data.manual === true));
  }

  @Process({ name: CATCH_UP_JOB, concurrency: 1 })
  catchUp() {
    return this.commands.execute(new CatchUpWebhookDispatchCommand());
  }
}
