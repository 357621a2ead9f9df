import { createHmac, randomBytes, timingSafeEqual } from 'node:crypto';

export const SIGNATURE_HEADER = 'Dompet-Signature';
export const EVENT_ID_HEADER = 'Dompet-Event-Id';
export const EVENT_TYPE_HEADER = 'Dompet-Event-Type';
export const DELIVERY_ID_HEADER = 'Dompet-Delivery-Id';

/** A new endpoint secret: `whsec_` and 32 random bytes, base64url. */
export function newWebhookSecret(): string {
  return `whsec_${randomBytes(32).toString('base64url')}`;
}

/** Hex HMAC-SHA256 of `"<t>.<body>"` with the endpoint's secret (Stripe's scheme). */
export function signaturePayload(secret: string, timestamp: number, body: string): string {
  return createHmac('sha256', secret).update(`${timestamp}.${body}`, 'utf8').digest('hex');
}

/** The `Dompet-Signature` header value: `t=<unix seconds>,v1=<hex HMAC-SHA256 of "t.body">`. */
export function signatureHeader(secret: string, body: string, timestamp = Math.floor(Date.now() / 1000)): string {
  return `t=${timestamp},v1=${signaturePayload(secret, timestamp, body)}`;
}

/**
 * The receiver's check (also what docs/webhooks.md shows): the header parses, one `v1` matches the
 * HMAC of `"t.<raw body>"` (constant-time compare), and `t` is within `toleranceSeconds` of now (replays
 * of an old delivery are refused).
 */
export function verifySignature(secret: string, header: string, rawBody: string, toleranceSeconds = 300, now = Date.now()): boolean {
  const parts = header.split(',').map((p) => p.trim().split('='));
  const t = Number(parts.find(([k]) => k === 't')?.[1]);
  if (!Number.isInteger(t) || Math.abs(now / 1000 - t) > toleranceSeconds) return false;
  const expected = Buffer.from(signaturePayload(secret, t, rawBody), 'hex');
  return parts
    .filter(([k, v]) => k === 'v1' && /^[0-9a-f]{64}$/.test(v ?? ''))
    .some(([, v]) => timingSafeEqual(Buffer.from(v, 'hex'), expected));
}
