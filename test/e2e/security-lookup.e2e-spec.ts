import type { Response } from 'supertest';
import { describeInProcess } from '../support/modes';
import { createTestApp, TestApp } from '../support/test-app';
import { newUser, registerUser, TestUser, uniquePhone } from '../support/users';

function expectRateLimited(res: Response, maxSeconds: number): void {
  expect({ status: res.status, code: res.body.code }).toEqual({ status: 429, code: 'RATE_LIMITED' });
  expect(res.body).toEqual({ message: expect.stringMatching(/^Too many phone number look-ups\. Try again in \d+ seconds?\.$/), code: 'RATE_LIMITED', retry_after_seconds: expect.any(Number) });
  const retryAfter = Number(res.headers['retry-after']);
  expect(retryAfter).toBe(res.body.retry_after_seconds);
  expect(retryAfter).toBeGreaterThan(0);
  expect(retryAfter).toBeLessThanOrEqual(maxSeconds);
}

describe('security: phone look-ups are rate limited', () => {
  let t: TestApp;

  beforeAll(async () => {
    t = await createTestApp({ label: 'seclookup' });
  });

  afterAll(async () => {
    await t?.close();
  });

  it('the (LOOKUP_USER_LIMIT_PER_MINUTE + 1)-th look-up of a user within a minute answers 429 with Retry-After; another user is not affected', async () => {
    const limit = t.config.lookupUserLimitPerMinute;
    const target = await registerUser(t);
    const user = await newUser(t);
    // Found and not found count alike: enumeration is what is limited.
    for (let i = 0; i < limit; i++) {
      const phone = i % 2 ? uniquePhone() : target.phone;
      const res = await t.http().get('/users/lookup').query({ phone_number: phone }).set(user.auth);
      expect({ i, status: res.status }).toEqual({ i, status: i % 2 ? 404 : 200 });
    }
    const limited = await t.http().get('/users/lookup').query({ phone_number: target.phone }).set(user.auth);
    expectRateLimited(limited, 60);
    // Still limited, whatever number is asked.
    expectRateLimited(await t.http().get('/users/lookup').query({ phone_number: uniquePhone() }).set(user.auth), 60);

    const other = await newUser(t);
    const res = await t.http().get('/users/lookup').query({ phone_number: target.phone }).set(other.auth).expect(200);
    expect(res.body.result.user_id).toBe(target.userId);
    // The other routes of the user are not limited by it.
    await t.http().get('/profile').set(user.auth).expect(200);
  });

  it('documents the 429 with its Retry-After header in the OpenAPI document', async () => {
    const doc = (await t.http().get('/docs-json').expect(200)).body;
    const tooMany = doc.paths['/users/lookup'].get.responses['429'];
    expect(tooMany.headers['Retry-After']).toBeDefined();
    expect(tooMany.content['application/json'].examples.RATE_LIMITED.value).toMatchObject({ code: 'RATE_LIMITED', retry_after_seconds: expect.any(Number) });
  });
});

describeInProcess('config', 'security: phone look-up limits per client address and per day', () => {
  let t: TestApp;

  beforeAll(async () => {
    t = await createTestApp({
      label: 'seclookuplim',
      env: { LOOKUP_USER_LIMIT_PER_MINUTE: '4', LOOKUP_ADDRESS_LIMIT_PER_MINUTE: '10' },
    });
  });

  afterAll(async () => {
    await t?.close();
  });

  const lookup = (user: TestUser, phone = uniquePhone()) => t.http().get('/users/lookup').query({ phone_number: phone }).set(user.auth);

  it('many accounts on one address: the (LOOKUP_ADDRESS_LIMIT_PER_MINUTE + 1)-th look-up of the address answers 429', async () => {
    const users = await Promise.all([1, 2, 3].map(() => newUser(t)));
    const statuses: number[] = [];
    for (let i = 0; i < 10; i++) statuses.push((await lookup(users[i % 3])).status);
    expect(statuses).toEqual(Array(10).fill(404));
    const fourth = await newUser(t); // a fresh account from the same address
    expectRateLimited(await lookup(fourth), 60);
  });
});

describeInProcess('config', 'security: phone look-up limit per user per day', () => {
  let t: TestApp;

  beforeAll(async () => {
    t = await createTestApp({ label: 'seclookupday', env: { LOOKUP_USER_LIMIT_PER_MINUTE: '100', LOOKUP_USER_LIMIT_PER_DAY: '6' } });
  });

  afterAll(async () => {
    await t?.close();
  });

  it('the (LOOKUP_USER_LIMIT_PER_DAY + 1)-th look-up of a user within a day answers 429 with a Retry-After of up to a day', async () => {
    const user = await newUser(t);
    for (let i = 0; i < 6; i++) await t.http().get('/users/lookup').query({ phone_number: uniquePhone() }).set(user.auth).expect(404);
    const limited = await t.http().get('/users/lookup').query({ phone_number: uniquePhone() }).set(user.auth);
    expectRateLimited(limited, 24 * 3600);
    expect(Number(limited.headers['retry-after'])).toBeGreaterThan(3600);
  });
});
