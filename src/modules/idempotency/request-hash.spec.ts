import { requestHash } from './idempotency.service';

/**
 * The hashes below were computed by the hand-written sorted-keys JSON this replaced: keys stored
 * before the change must still match a retry of the same request.
 */
describe('requestHash', () => {
  it.each<[string, unknown, string]>([
    ['a top-up', { amount: 500000 }, '087dd03912ea45cd0ce80cf13a937359320998eb2fc4b8b77af552e7676a8d95'],
    ['a payment', { amount: 150000, remarks: 'Pulsa, Telkomsel' }, '9a02eac38a98580820a7ed1ea0c817a129b14fc6ea06f58cf6e2bb20c6136712'],
    ['a payment without remarks', { amount: 150000, remarks: undefined }, 'ab3cfe23968ef87a07d065dc005a24cd96fbb97261c02805fc1602aab406e90f'],
    [
      'a transfer with escapes and non-ASCII remarks',
      { target_user: '019a4f2d-1111-7a2b-8c3d-4e5f6a7b8c9d', amount: 100000, remarks: 'Makan "siang" \u00e9\u{1F600}\n' },
      'a45c63a6285298ba8778eafc81f51b2a097c64d6cb1c725dfcef504e2a0143c2',
    ],
    ['a hold', { amount: 1, remarks: 'x', expires_in_seconds: 3600 }, '81cc13ac918a60f75c14ab17ca128cb4407bc8d74f455b2bb6b48b64d91876fe'],
    ['a capture without amount', { hold_id: '019a4f2f-0b4c-7d2e-8f1a-3c2b1a0f9e8d', amount: undefined }, '8d2e660ccfc5b4949935b19d9f51287e22066919d81b068b45fa0d2b1853f821'],
    ['nested objects and arrays', { z: [1, { b: 2, a: null }, undefined], a: { d: true, c: -0.5 } }, 'c7051eb73103df46702001555c8ee8c4b402dec189238b0e58f5ca614c62c416'],
    ['an empty body', {}, '44136fa355b3678a1146ad16f7e8649e94fb4fc21fe77e8310c060f61caaff8a'],
    ['no body', undefined, '74234e98afe7498fb5daf1f36ac2d78acc339464f950703b8c019892f982b90b'],
  ])('is unchanged for %s', (_label, body, hash) => {
    expect(requestHash(body)).toBe(hash);
  });

  it('does not depend on the order of keys', () => {
    expect(requestHash({ remarks: 'x', amount: 1, target_user: 'u' })).toBe(requestHash({ target_user: 'u', amount: 1, remarks: 'x' }));
  });
});
