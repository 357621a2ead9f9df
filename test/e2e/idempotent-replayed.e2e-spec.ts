import { randomUUID } from 'node:crypto';
import { verifyLedger } from '../../src/modules/reconciliation';
import { createTestApp, TestApp } from '../support/test-app';
import { newUser, TestUser } from '../support/users';

/**
 * `Idempotent-Replayed: true` (Stripe's convention) marks exactly the answers that are the stored answer
 * of an earlier request with the same `Idempotency-Key`: replayed successes and replayed refusals of
 * POST /topup, /pay and /transfer; never a first answer, a request without a key, or a 409 for a reused key.
 */
describe('Idempotent-Replayed header', () => {
  let t: TestApp;
  let user: TestUser;
  let receiver: TestUser;

  beforeAll(async () => {
    t = await createTestApp({ label: 'replayed' });
    [user, receiver] = [await newUser(t), await newUser(t)];
  });

  afterAll(async () => {
    if (!t) return;
    if (t.inProcess) expect((await verifyLedger(t.db, { maxBalance: t.config.maxBalance })).problems).toEqual([]);
    await t.close();
  });

  const post = (path: string, body: object, key?: string) => {
    const req = t.http().post(path).set(user.auth);
    if (key) req.set('Idempotency-Key', key);
    return req.send(body);
  };

  it('is absent on a first answer and without a key, and "true" on the replay of a success', async () => {
    const key = randomUUID();
    const first = await post('/topup', { amount: 50000 }, key).expect(201);
    expect(first.headers['idempotent-replayed']).toBeUndefined();
    const again = await post('/topup', { amount: 50000 }, key).expect(201);
    expect(again.headers['idempotent-replayed']).toBe('true');
    expect(again.body).toEqual(first.body);
    expect((await post('/topup', { amount: 1 }).expect(201)).headers['idempotent-replayed']).toBeUndefined();
  });

  it('is "true" on the replay of a stored refusal (422), and absent on the 409 of a reused key', async () => {
    const key = randomUUID();
    const refused = await post('/pay', { amount: 10_000_000, remarks: 'Too much' }, key).expect(422);
    expect(refused.headers['idempotent-replayed']).toBeUndefined();
    const replayed = await post('/pay', { amount: 10_000_000, remarks: 'Too much' }, key).expect(422);
    expect(replayed.headers['idempotent-replayed']).toBe('true');
    expect(replayed.body).toEqual(refused.body);
    const reused = await post('/pay', { amount: 1, remarks: 'Other' }, key).expect(409);
    expect(reused.headers['idempotent-replayed']).toBeUndefined();
  });

  it('is "true" on the replay of a transfer', async () => {
    const key = randomUUID();
    const body = { target_user: receiver.userId, amount: 1000, remarks: 'Replay' };
    const first = await post('/transfer', body, key).expect(202);
    expect(first.headers['idempotent-replayed']).toBeUndefined();
    const again = await post('/transfer', body, key).expect(202);
    expect(again.headers['idempotent-replayed']).toBe('true');
    expect(again.body.result.transfer_id).toBe(first.body.result.transfer_id);
  });
});
