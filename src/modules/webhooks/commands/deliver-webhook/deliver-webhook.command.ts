import { Command } from '@nestjs/cqrs';
import type { AttemptOutcome } from '../../persistence/webhook.schemas';

/** One attempt of a delivery, run by the queue processor. */
export class DeliverWebhookCommand extends Command<AttemptOutcome | 'SKIPPED'> {
  constructor(
    readonly deliveryId: string,
    /** Bull's attempt number of this job (1 = first). */
    readonly attempt: number,
    /** No retry follows a failure of this attempt. */
    readonly last: boolean,
    readonly manual: boolean,
    /** From the job (`deliveryOrderKey`): taken before anything is read, so attempts go out in the order their jobs started. */
    readonly orderKey?: string,
  ) {
    super();
  }
}

/** The order of deliveries: one user's events to one endpoint, one at a time. */
export function deliveryOrderKey(endpointId: string, userId: string): string {
  return `${endpointId}:${userId}`;
}

/** A failed attempt with retries left: thrown so that Bull schedules the next one with the webhook backoff. */
export class WebhookAttemptFailedError extends Error {
  constructor(deliveryId: string, why: string) {
    super(`delivery ${deliveryId} failed: ${why}`);
  }
}
