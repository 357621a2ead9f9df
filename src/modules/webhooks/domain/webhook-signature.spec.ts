import { createHmac } from 'node:crypto';
import { newWebhookSecret, signatureHeader, verifySignature } from './webhook-signature';

describe('webhook signature (Stripe scheme: t=<unix>,v1=<hex HMAC-SHA256 of "t.body">)', () => {
  const secret = 'whsec_test_secret';
  const body = '{"id":1,"event_id":"u:000000000001","type":"topup.succeeded"}';

  it('signs "<t>.<raw body>" with HMAC-SHA256 and the endpoint secret', () => {
    const header = signatureHeader(secret, body, 1_700_000_000);
    const expected = createHmac('sha256', secret).update(`1700000000.${body}`).digest('hex');
    expect(header).toBe(`t=1700000000,v1=${expected}`);
  });

  it('verifies its own signature within the tolerance, and refuses a changed body, another secret, an old timestamp or garbage', () => {
    const now = Date.now();
    const t = Math.floor(now / 1000);
    const header = signatureHeader(secret, body, t);
    expect(verifySignature(secret, header, body, 300, now)).toBe(true);
    expect(verifySignature(secret, header, body.replace('1', '2'), 300, now)).toBe(false);
    expect(verifySignature('whsec_other', header, body, 300, now)).toBe(false);
    expect(verifySignature(secret, signatureHeader(secret, body, t - 301), body, 300, now)).toBe(false);
    expect(verifySignature(secret, 'v1=abc', body, 300, now)).toBe(false);
    expect(verifySignature(secret, `t=${t},v1=zz`, body, 300, now)).toBe(false);
    // Several v1 values (a secret being rolled): one match is enough.
    expect(verifySignature(secret, `t=${t},v1=${'0'.repeat(64)},${header.split(',')[1]}`, body, 300, now)).toBe(true);
  });

  it('makes a fresh 256-bit secret each time', () => {
    const a = newWebhookSecret();
    expect(a).toMatch(/^whsec_[A-Za-z0-9_-]{43}$/);
    expect(newWebhookSecret()).not.toBe(a);
  });
});
