import { Injectable } from '@nestjs/common';
import { request as httpRequest } from 'node:http';
import { request as httpsRequest } from 'node:https';
import { AppConfig } from '../../../config/app-config';
import { DELIVERY_ID_HEADER, EVENT_ID_HEADER, EVENT_TYPE_HEADER, SIGNATURE_HEADER, signatureHeader } from '../domain/webhook-signature';
import { WebhookTargetGuard } from './webhook-target-guard';

export interface SendResult {
  /** True for a 2xx answer. */
  ok: boolean;
  /** The answer's status, null when there was none (refused, unreachable, timed out before the headers). */
  statusCode: number | null;
  latencyMs: number;
  /** Why it failed without a status (or why the answer was cut), else null. */
  error: string | null;
}

export interface Delivery {
  deliveryId: string;
  eventId: string;
  eventType: string;
  body: string;
}

/**
 * Sends one signed delivery with Node's own `http`/`https`: one POST, no redirects followed (a 3xx is
 * a failed attempt), the whole exchange bounded by `WEBHOOK_TIMEOUT_MS`, at most
 * `WEBHOOK_MAX_RESPONSE_BYTES` of the answer read, and the SSRF guard applied to the address connected to.
 */
@Injectable()
export class WebhookSender {
  constructor(
    private readonly config: AppConfig,
    private readonly guard: WebhookTargetGuard,
  ) {}

  send(target: string, secret: string, d: Delivery): Promise<SendResult> {
    const started = Date.now();
    const done = (ok: boolean, statusCode: number | null, error: string | null): SendResult => ({ ok, statusCode, latencyMs: Date.now() - started, error });
    let url: URL;
    try {
      url = new URL(target);
    } catch {
      return Promise.resolve(done(false, null, 'invalid URL'));
    }
    const refusal = this.guard.literalRefusal(url);
    if (refusal) return Promise.resolve(done(false, null, refusal));

    return new Promise<SendResult>((resolve) => {
      let settled = false;
      let statusCode: number | null = null;
      const finish = (error: string | null) => {
        if (settled) return;
        settled = true;
        clearTimeout(timer);
        req.destroy();
        resolve(done(error === null && statusCode !== null && statusCode >= 200 && statusCode < 300, statusCode, error));
      };
      const request = url.protocol === 'https:' ? httpsRequest : httpRequest;
      const req = request(url, {
        method: 'POST',
        agent: false,
        lookup: this.guard.lookup,
        headers: {
          'Content-Type': 'application/json',
          'Content-Length': Buffer.byteLength(d.body),
          'User-Agent': 'Dompet-Webhooks/1.0',
          [SIGNATURE_HEADER]: signatureHeader(secret, d.body),
          [EVENT_ID_HEADER]: d.eventId,
          [EVENT_TYPE_HEADER]: d.eventType,
          [DELIVERY_ID_HEADER]: d.deliveryId,
        },
      });
      const timer = setTimeout(() => finish(`timeout after ${this.config.webhookTimeoutMs} ms`), this.config.webhookTimeoutMs);
      req.on('error', (err: Error) => finish(statusCode === null ? err.message : null));
      req.on('response', (res) => {
        statusCode = res.statusCode ?? null;
        let read = 0;
        res.on('data', (chunk: Buffer) => {
          read += chunk.length;
          // Enough of the answer: its status is what counts.
          if (read > this.config.webhookMaxResponseBytes) finish(null);
        });
        res.on('end', () => finish(null));
        res.on('error', () => finish(null));
      });
      req.end(d.body);
    });
  }
}
