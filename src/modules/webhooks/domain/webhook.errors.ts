import { DomainError, NotFoundError } from '../../../common/errors';
import { HttpStatus } from '@nestjs/common';

export class WebhookNotFoundError extends NotFoundError {
  constructor() {
    super('Webhook endpoint', 'WEBHOOK_NOT_FOUND');
  }
}

export class WebhookDeliveryNotFoundError extends NotFoundError {
  constructor() {
    super('Webhook delivery', 'WEBHOOK_DELIVERY_NOT_FOUND');
  }
}

/** The URL is not an http(s) URL the service may call (scheme, credentials, or an address refused as SSRF). */
export class WebhookUrlRefusedError extends DomainError {
  constructor(reason: string) {
    super('WEBHOOK_URL_REFUSED', `Validation failed: url ${reason}`, HttpStatus.BAD_REQUEST, { errors: { url: [`url ${reason}`] } });
  }
}
