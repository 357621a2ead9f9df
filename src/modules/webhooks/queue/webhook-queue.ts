import { InjectQueue } from '@nestjs/bull';
import { Injectable } from '@nestjs/common';
import type { Queue } from 'bull';
import { AppConfig } from '../../../config/app-config';
import { KeyedJobs } from '../../../infrastructure/keyed-jobs';
import { deliveryAttempts, RetrySettings } from '../domain/retry-schedule';
import { newId } from '../../../common/util/ids';

export const WEBHOOK_QUEUE = 'webhooks';
export const DELIVER_WEBHOOK_JOB = 'deliver';
/** The catch-up's job on this queue in earlier versions (see `removeLegacyCatchUpSchedule`). */
export const LEGACY_CATCH_UP_JOB = 'catch-up';
/** The custom backoff of deliveries (`settings.backoffStrategies` of the queue): `retryDelayAfter`. */
export const WEBHOOK_BACKOFF = 'webhook';

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
 * webhook backoff for `WEBHOOK_RETRY_WINDOW_SECONDS`; and manual redeliveries.
 */
@Injectable()
export class WebhookQueue {
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
   * Removes the catch-up schedule that earlier versions kept on this queue (a Bull repeatable job added
   * once at start-up, so lost for good with Redis's data); the catch-up is a `periodic` job now
   * (`WebhookDispatcher`). Its last tick, if already queued, still runs (`WebhookProcessor`).
   */
  async removeLegacyCatchUpSchedule(): Promise<void> {
    for (const r of await this.queue.getRepeatableJobs()) {
      if (r.name === LEGACY_CATCH_UP_JOB) await this.queue.removeRepeatableByKey(r.key);
    }
  }
}
