import Redis from 'ioredis';
import { REDIS } from '../../src/infrastructure/redis.module';
import { verifyLedger } from '../../src/modules/reconciliation';
import { describeInProcess } from '../support/modes';
import { deleteRedisKeys } from '../support/redis';
import { createTestApp, TestApp } from '../support/test-app';
import { adminAuth, login, newUser, TestUser } from '../support/users';

const UNAUTHENTICATED = { message: 'Unauthenticated', code: 'UNAUTHENTICATED' };
async function waitFor(condition: () => boolean | Promise<boolean>, timeoutMs = 20_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await condition())) {
    if (Date.now() > deadline) throw new Error(`condition not met within ${timeoutMs} ms: ${condition}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}
const sessionOf = (accessToken: string) => JSON.parse(Buffer.from(accessToken.split('.')[1], 'base64url').toString()).sid as string;

describe('security: a logged-out session ends at once', () => {
  let t: TestApp;

  beforeAll(async () => {
    t = await createTestApp({ label: 'seclogout' });
  });

  afterAll(async () => {
    if (!t) return;
    if (t.inProcess) expect((await verifyLedger(t.db, { maxBalance: t.config.maxBalance })).problems).toEqual([]);
    await t.close();
  });

  it('its access token gets 401 on POST /pay and GET /profile, its refresh token too; the other sessions go on', async () => {
    const user = await newUser(t);
    await t.http().post('/topup').set(user.auth).send({ amount: 10_000 }).expect(201);
    const other = await login(t, user.phone, user.pin);
    await t.http().post('/logout').set(user.auth).expect(200);
    const pay = await t.http().post('/pay').set(user.auth).send({ amount: 1_000, remarks: 'after logout' });
    expect({ status: pay.status, body: pay.body }).toEqual({ status: 401, body: UNAUTHENTICATED });
    expect((await t.http().get('/profile').set(user.auth).expect(401)).body).toEqual(UNAUTHENTICATED);
    await t.http().post('/refresh-token').send({ refresh_token: user.refreshToken }).expect(401);
    expect((await t.http().get('/profile').set(other.auth).expect(200)).body.result.balance).toBe(10_000);
  });
});

/**
 * Revocation must not depend on Redis keeping its data: MongoDB is the truth, Redis only caches it.
 * Each test loses every Redis key of this app (what FLUSHALL does to it) after revoking, then uses
 * the revoked token again.
 */
describeInProcess('redis', 'security: revoked tokens stay revoked when Redis loses its data', () => {
  let t: TestApp;
  let redis: Redis;

  beforeAll(async () => {
    t = await createTestApp({ label: 'secrevoke' });
    redis = t.app.get(REDIS);
  });

  afterAll(async () => {
    if (!t) return;
    expect((await verifyLedger(t.db, { maxBalance: t.config.maxBalance })).problems).toEqual([]);
    await t.close();
  });

  /** Deletes every key of this app's prefix: to this app, the same as a FLUSHALL (other test files' keys are left alone). */
  const loseRedisData = () => deleteRedisKeys(redis, t.config.redisPrefix);

  async function fundedUser(): Promise<TestUser> {
    const user = await newUser(t);
    await t.http().post('/topup').set(user.auth).send({ amount: 50_000 }).expect(201);
    return user;
  }

  it('POST /logout, then Redis is flushed: the logged-out access token still gets 401 on POST /pay and GET /profile', async () => {
    const user = await fundedUser();
    const other = await login(t, user.phone, user.pin); // a second session of the same user, not logged out
    await t.http().get('/profile').set(user.auth).expect(200); // the session is cached as open
    await t.http().post('/logout').set(user.auth).expect(200);
    expect((await t.http().get('/profile').set(user.auth).expect(401)).body).toEqual(UNAUTHENTICATED);

    expect(await loseRedisData()).toBeGreaterThan(0);

    const pay = await t.http().post('/pay').set(user.auth).send({ amount: 1_000, remarks: 'after logout' });
    expect({ status: pay.status, body: pay.body }).toEqual({ status: 401, body: UNAUTHENTICATED });
    expect((await t.http().get('/profile').set(user.auth).expect(401)).body).toEqual(UNAUTHENTICATED);
    // Nothing moved, and the other session works as before (its state is read again from MongoDB).
    const profile = await t.http().get('/profile').set(other.auth).expect(200);
    expect(profile.body.result.balance).toBe(50_000);
    // The refreshed cache says "revoked" again: a second use is refused too.
    await t.http().get('/profile').set(user.auth).expect(401);
  });

  it('a session revoked for refresh-token reuse stays revoked after Redis is flushed', async () => {
    const user = await fundedUser();
    const rotated = (await t.http().post('/refresh-token').send({ refresh_token: user.refreshToken }).expect(200)).body.result;
    // A replay after the grace period revokes the whole session (the first use is moved back past the grace period).
    await t.db.collection('refresh_token_uses').updateMany({ session_id: sessionOf(user.accessToken) }, { $set: { used_at: new Date(Date.now() - 3_600_000) } });
    await t.http().post('/refresh-token').send({ refresh_token: user.refreshToken }).expect(401);
    await t.http().get('/profile').set({ Authorization: `Bearer ${rotated.access_token}` }).expect(401);
    await loseRedisData();
    await t.http().get('/profile').set({ Authorization: `Bearer ${rotated.access_token}` }).expect(401);
    await t.http().post('/pay').set(user.auth).send({ amount: 1_000, remarks: 'after reuse' }).expect(401);
  });

  it('a PIN change and a deactivation still end every token after Redis is flushed', async () => {
    const changer = await fundedUser();
    const newPin = changer.pin === '135790' ? '246801' : '135790';
    await t.http().put('/profile/pin').set(changer.auth).send({ old_pin: changer.pin, new_pin: newPin }).expect(200);
    const deactivated = await fundedUser();
    await t.http().delete(`/users/${deactivated.userId}`).set(await adminAuth(t)).expect(200);
    await loseRedisData();
    for (const user of [changer, deactivated]) {
      await t.http().get('/profile').set(user.auth).expect(401);
      await t.http().post('/pay').set(user.auth).send({ amount: 1_000, remarks: 'after revocation' }).expect(401);
    }
    await login(t, changer.phone, newPin);
  });

  it('POST /logout while this process is reconnecting to Redis, which kept its data: the cached OPEN is not used afterwards', async () => {
    const user = await fundedUser();
    const sid = sessionOf(user.accessToken);
    await t.http().get('/profile').set(user.auth).expect(200);
    expect(await redis.get(`${t.config.redisPrefix}:auth:session:${sid}`)).toBe('OPEN');
    // The app's main Redis connection drops (the rate limiter's own connection stays up, as after a
    // Redis restart where one client reconnected first): the revocation cannot be published now.
    redis.disconnect(false);
    try {
      await t.http().post('/logout').set(user.auth).expect(200);
    } finally {
      await redis.connect();
    }
    expect(redis.status).toBe('ready');
    expect((await t.http().get('/profile').set(user.auth).expect(401)).body).toEqual(UNAUTHENTICATED);
    await t.http().post('/pay').set(user.auth).send({ amount: 1_000, remarks: 'after logout' }).expect(401);
    await waitFor(async () => (await redis.get(`${t.config.redisPrefix}:auth:session:${sid}`)) === 'LOGOUT');
    // Once repaired, the cache is used again: an open session answers from it.
    const other = await fundedUser();
    await t.http().get('/profile').set(other.auth).expect(200);
  }, 60_000);

  it('an open session answers from Redis once cached, and from MongoDB after the cache is lost', async () => {
    const user = await newUser(t);
    await t.http().get('/profile').set(user.auth).expect(200);
    const sid = sessionOf(user.accessToken);
    expect(await redis.get(`${t.config.redisPrefix}:auth:session:${sid}`)).toBe('OPEN');
    await loseRedisData();
    await t.http().get('/profile').set(user.auth).expect(200);
    expect(await redis.get(`${t.config.redisPrefix}:auth:session:${sid}`)).toBe('OPEN');
  });
});
