import { InjectQueue } from '@nestjs/bull';
import { Injectable, Logger } from '@nestjs/common';
import type { Queue } from 'bull';
import { AppConfig } from '../../../config/app-config';
import { KeyedJobs } from '../../../infrastructure/keyed-jobs';
import { deliveryAttempts, RetrySettings } from '../domain/retry-schedule';
import { newId } from '../../../common/util/ids';

export const WEBHOOK_QUEUE = 'webhooks';
export const DELIVER_WEBHOOK_JOB = 'deliver';
export const CATCH_UP_JOB = 'catch-up';
/** The custom backoff of deliveries (`settings.backoffStrategies` of the queue): `retryDelayAfter`. */
export const WEBHOOK_BACKOFF = 'webhook';
const CATCH_UP_JOB_ID = 'webhook-catch-up';

export interface DeliverWebhookJobData {
  deliveryId: string;
  /** `<endpoint id>:<user id>`: the attempts of one user's events to one endpoint go out one at a time, in job order. */
  orderKey?: string;
  /** A redelivery asked for by an administrator: one attempt, sent whatever the delivery's state. */
  manual?: boolean;
}

export function retrySettings(c: AppConfig): RetrySettings {
  return { firstMs: c.webhookBackoffMs, maxMs: c.webhookBackoffMaxMs, windowSeconds: c.webhookRetryWindowSeconds };
}

/**
 * The `webhooks` Bull queue: one job per delivery (job id = delivery id = `<webhook_id>:<event_id>`, so
 * the same event is queued at most once per endpoint while its job is kept), retried with the
 * webhook backoff for `WEBHOOK_RETRY_WINDOW_SECONDS`; manual redeliveries; and the repeatable catch-up.
 */
@Injectable()
export class WebhookQueue {
  private readonly logger = new Logger(WebhookQueue.name);
  private readonly jobs: KeyedJobs<DeliverWebhookJobData>;

  constructor(
    @InjectQueue(WEBHOOK_QUEUE) private readonly queue: Queue<DeliverWebhookJobData>,
    private readonly config: AppConfig,
  ) {
    this.jobs = new KeyedJobs(queue, DELIVER_WEBHOOK_JOB, config.enqueueTimeoutMs);
  }

  /** Queues the delivery's automatic attempts (a no-op while its job is kept). */
  deliver(deliveryId: string, orderKey: string): Promise<void> {
    return this.jobs.add(deliveryId, { deliveryId, orderKey }, {
      attempts: deliveryAttempts(retrySettings(this.config)),
      backoff: { type: WEBHOOK_BACKOFF },
      removeOnComplete: { age: 24 * 3600, count: 10_000 },
      removeOnFail: { age: 7 * 24 * 3600 },
    });
  }

  /** Queues one more attempt of a delivery, apart from its automatic ones. */
  redeliver(deliveryId: string): Promise<void> {
    return this.jobs.add(`${deliveryId}:redeliver:${newId()}`, { deliveryId, manual: true }, {
      attempts: 1,
      removeOnComplete: { age: 24 * 3600, count: 10_000 },
      removeOnFail: { age: 7 * 24 * 3600 },
    });
  }

  /**
   * Schedules the catch-up every `WEBHOOK_CATCHUP_MS` as a Bull repeatable job (one run per tick whatever
   * the number of workers, visible in Bull Board); schedules of an older interval are removed.
   */
  async scheduleCatchUp(): Promise<void> {
    const every = this.config.webhookCatchUpMs;
    for (const r of await this.queue.getRepeatableJobs()) {
      if (r.name === CATCH_UP_JOB && Number(r.every) !== every) await this.queue.removeRepeatableByKey(r.key);
    }
    await this.queue.add(CATCH_UP_JOB, {} as DeliverWebhookJobData, { repeat: { every }, jobId: CATCH_UP_JOB_ID, removeOnComplete: 10, removeOnFail: 50 });
    this.logger.debug(`webhook catch-up every ${every} ms`);
  }
}
