import { createHmac } from 'node:crypto';
import Redis from 'ioredis';
import { REDIS, RedisKeys } from '../../src/infrastructure/redis.module';
import { describeInProcess, itInProcess } from '../support/modes';
import { createTestApp, TestApp } from '../support/test-app';
import { bearer, login, newUser, randomPin, registerUser, uniquePhone } from '../support/users';

const UUID_V7 = /^[0-9a-f]{8}-[0-9a-f]{4}-7[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/;
const DATE_TIME = /^\d{4}-\d{2}-\d{2} \d{2}:\d{2}:\d{2}$/;
const UNAUTHENTICATED = { message: 'Unauthenticated', code: 'UNAUTHENTICATED' };
const INVALID_CREDENTIALS = { message: "Phone number and pin doesn't match.", code: 'INVALID_CREDENTIALS' };
const PHONE_TAKEN = { message: 'Phone Number already registered', code: 'PHONE_ALREADY_REGISTERED' };

const b64url = (value: unknown) => Buffer.from(typeof value === 'string' ? value : JSON.stringify(value)).toString('base64url');

/** Builds a JWT by hand, so the tests can forge exactly the token they need. */
function jwt(header: Record<string, unknown>, payload: Record<string, unknown>, secret: string | null, hmac = 'sha256'): string {
  const head = `${b64url(header)}.${b64url(payload)}`;
  const signature = secret === null ? '' : createHmac(hmac, secret).update(head).digest('base64url');
  return `${head}.${signature}`;
}

function claimsOf(token: string): Record<string, unknown> {
  return JSON.parse(Buffer.from(token.split('.')[1], 'base64url').toString('utf8'));
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

describe('auth: register, login, sessions, PIN change and lockout', () => {
  let t: TestApp;
  let redis: Redis;
  let keys: RedisKeys;

  beforeAll(async () => {
    t = await createTestApp({ label: 'auth', env: { REFRESH_REUSE_GRACE_SECONDS: '1' } });
    if (t.inProcess) {
      redis = t.app.get(REDIS);
      keys = t.app.get(RedisKeys);
    }
  });

  afterAll(async () => {
    await t?.close();
  });

  describe('POST /register', () => {
    itInProcess('database', 'creates a user and answers the brief shape; the PIN is stored only as an argon2id hash', async () => {
      const phone = uniquePhone();
      const pin = randomPin();
      const res = await t
        .http()
        .post('/register')
        .send({ first_name: '  Guntur ', last_name: 'Saputro', phone_number: phone, address: 'Jl. Diponegoro No. 215', pin })
        .expect(201);
      expect(res.body).toEqual({
        status: 'SUCCESS',
        result: {
          user_id: expect.stringMatching(UUID_V7),
          first_name: 'Guntur',
          last_name: 'Saputro',
          phone_number: phone,
          address: 'Jl. Diponegoro No. 215',
          created_date: expect.stringMatching(DATE_TIME),
        },
      });
      expect(JSON.stringify(res.body)).not.toContain(pin);
      const stored = await t.db.collection('users').findOne({ _id: res.body.result.user_id } as never);
      expect(stored).toMatchObject({ phone_number: phone, role: 'USER', status: 'ACTIVE', wallet_frozen: false, token_version: 0 });
      expect(stored!.pin_hash).toMatch(/^\$argon2id\$/);
      expect(stored!.pin_hash).not.toContain(pin);
      expect(await t.db.collection('user_phones').findOne({ _id: phone } as never)).toMatchObject({ user_id: res.body.result.user_id });
    });

    it('answers created_date in the configured time zone (Asia/Jakarta, UTC+7)', async () => {
      const before = Date.now();
      const { result } = await registerUser(t);
      const asUtc = Date.parse(`${(result.created_date as string).replace(' ', 'T')}Z`) - 7 * 3600_000;
      expect(Math.abs(asUtc - before)).toBeLessThan(10_000);
    });

    it('normalises +62…, 62… and 08… to one stored national number', async () => {
      const national = uniquePhone();
      const first = await registerUser(t, { phone_number: `+62${national.slice(1)}` });
      expect(first.phone).toBe(national);
      for (const spelling of [national, `62${national.slice(1)}`, `+62 ${national.slice(1, 4)}-${national.slice(4)}`]) {
        const res = await t.http().post('/register').send({ ...first.input, phone_number: spelling }).expect(409);
        expect(res.body).toEqual(PHONE_TAKEN);
      }
      // Login accepts every spelling of the number too.
      await login(t, `62${national.slice(1)}`, first.pin);
    });

    itInProcess('fresh-database', 'accepts a 10-digit number such as 0811255501', async () => {
      const res = await t
        .http()
        .post('/register')
        .send({ first_name: 'Tom', last_name: 'Araya', phone_number: '0811255501', address: 'Jl. Diponegoro No. 215', pin: '123456' })
        .expect(201);
      expect(res.body.result.phone_number).toBe('0811255501');
    });

    it('refuses a registered phone number with the exact 409 of the brief', async () => {
      const { input } = await registerUser(t);
      const res = await t.http().post('/register').send({ ...input, first_name: 'Other' }).expect(409);
      expect(res.body).toEqual(PHONE_TAKEN);
    });

    itInProcess('database', 'lets exactly one of 10 concurrent registrations of one number win', async () => {
      const phone = uniquePhone();
      const answers = await Promise.all(
        Array.from({ length: 10 }, (_, i) =>
          t.http().post('/register').send({ first_name: `Racer${'abcdefghij'[i]}`, last_name: 'Test', phone_number: phone, address: 'Somewhere', pin: randomPin() }),
        ),
      );
      const statuses = answers.map((r) => r.status).sort();
      expect(statuses).toEqual([201, 409, 409, 409, 409, 409, 409, 409, 409, 409]);
      for (const r of answers.filter((a) => a.status === 409)) expect(r.body).toEqual(PHONE_TAKEN);
      expect(await t.db.collection('users').countDocuments({ phone_number: phone })).toBe(1);
      const winner = answers.find((r) => r.status === 201)!;
      expect(await t.db.collection('user_phones').findOne({ _id: phone } as never)).toMatchObject({ user_id: winner.body.result.user_id });
    });

    itInProcess('database', 'takes over a phone claim abandoned by a registration that died before creating its user', async () => {
      const abandoned = uniquePhone();
      await t.db.collection('user_phones').insertOne({ _id: abandoned, user_id: '0190f0f0-0000-7000-8000-000000000000', created_at: new Date(Date.now() - 60_000) } as never);
      const { phone } = await registerUser(t, { phone_number: abandoned });
      expect(phone).toBe(abandoned);

      // A fresh claim may be a registration still in progress: it is respected.
      const inProgress = uniquePhone();
      await t.db.collection('user_phones').insertOne({ _id: inProgress, user_id: '0190f0f0-0000-7000-8000-000000000001', created_at: new Date() } as never);
      const res = await t.http().post('/register').send({ first_name: 'A', last_name: 'B', phone_number: inProgress, address: 'C', pin: '123456' }).expect(409);
      expect(res.body).toEqual(PHONE_TAKEN);
    });

    it.each([
      ['a landline', '0211255501'],
      ['too short', '081125550'],
      ['too long', '08112555011234'],
      ['letters', '08112555ab'],
      ['a foreign number', '+6581125550'],
      ['empty', ''],
    ])('refuses a phone number that is %s with 400', async (_label, phone_number) => {
      const res = await t.http().post('/register').send({ first_name: 'A', last_name: 'B', phone_number, address: 'C', pin: '123456' }).expect(400);
      expect(res.body).toMatchObject({ code: 'VALIDATION_FAILED', errors: { phone_number: [expect.stringContaining('Indonesian mobile number')] } });
    });

    it.each([
      ['5 digits', '12345'],
      ['7 digits', '1234567'],
      ['letters', '12a456'],
      ['a number, not a string', 123456],
    ])('refuses a PIN of %s with 400', async (_label, pin) => {
      const res = await t.http().post('/register').send({ first_name: 'A', last_name: 'B', phone_number: uniquePhone(), address: 'C', pin }).expect(400);
      expect(res.body.code).toBe('VALIDATION_FAILED');
      expect(res.body.errors.pin).toBeDefined();
    });

    itInProcess('database', 'refuses missing, blank, too long and unknown fields with 400 and per-field messages', async () => {
      const valid = { first_name: 'A', last_name: 'B', phone_number: uniquePhone(), address: 'C', pin: '123456' };
      const cases: Array<[Record<string, unknown>, string]> = [
        [{ ...valid, first_name: undefined }, 'first_name'],
        [{ ...valid, last_name: '   ' }, 'last_name'],
        [{ ...valid, first_name: 'x'.repeat(51) }, 'first_name'],
        [{ ...valid, address: 'x'.repeat(201) }, 'address'],
        [{ ...valid, address: '' }, 'address'],
        [{ ...valid, role: 'ADMIN' }, 'role'],
      ];
      for (const [body, field] of cases) {
        const res = await t.http().post('/register').send(body).expect(400);
        expect(res.body.code).toBe('VALIDATION_FAILED');
        expect(Object.keys(res.body.errors)).toContain(field);
      }
      expect(await t.db.collection('users').countDocuments({ phone_number: valid.phone_number })).toBe(0);
    });
  });

  describe('POST /login', () => {
    itInProcess('database', 'answers an access token (HS256 JWT with sub, role, sid, ver, typ) and a refresh token', async () => {
      const { userId, phone, pin } = await registerUser(t);
      const res = await t.http().post('/login').send({ phone_number: phone, pin }).expect(200);
      expect(res.body).toEqual({
        status: 'SUCCESS',
        result: { access_token: expect.any(String), refresh_token: expect.any(String), token_type: 'Bearer', expires_in: t.config.accessTokenTtlSeconds },
      });
      const { access_token, refresh_token } = res.body.result;
      expect(JSON.parse(Buffer.from(access_token.split('.')[0], 'base64url').toString())).toMatchObject({ alg: 'HS256' });
      const claims = claimsOf(access_token);
      expect(claims).toMatchObject({ sub: userId, role: 'USER', sid: expect.stringMatching(UUID_V7), ver: 0, typ: 'access' });
      expect((claims.exp as number) - (claims.iat as number)).toBe(t.config.accessTokenTtlSeconds);
      expect(refresh_token).toMatch(/^[A-Za-z0-9_-]{43}$/);
      // Only the hash of the refresh token is stored.
      expect(await t.db.collection('refresh_tokens').countDocuments({ _id: refresh_token } as never)).toBe(0);
      expect(await t.db.collection('sessions').findOne({ _id: claims.sid } as never)).toMatchObject({ user_id: userId, revoked_at: null });
      await t.http().get('/profile').set(bearer(access_token)).expect(200);
    });

    it('answers a wrong PIN and an unknown phone number with the same 401', async () => {
      const { phone, pin } = await registerUser(t);
      const wrong = await t.http().post('/login').send({ phone_number: phone, pin: pin === '000000' ? '111111' : '000000' }).expect(401);
      expect(wrong.body).toEqual(INVALID_CREDENTIALS);
      const unknown = await t.http().post('/login').send({ phone_number: uniquePhone(), pin }).expect(401);
      expect(unknown.body).toEqual(INVALID_CREDENTIALS);
    });

    itInProcess('redis', 'spends comparable time on an unknown phone number and on a wrong PIN (a dummy hash is verified)', async () => {
      const { phone } = await registerUser(t);
      const median = async (phoneNumber: () => string) => {
        const times: number[] = [];
        for (let i = 0; i < 5; i++) {
          const start = process.hrtime.bigint();
          await t.http().post('/login').send({ phone_number: phoneNumber(), pin: '999999' }).expect(401);
          times.push(Number(process.hrtime.bigint() - start) / 1e6);
          await redis.del(keys.key('auth', 'pin-failures', phone));
        }
        return times.sort((a, b) => a - b)[2];
      };
      const wrongPin = await median(() => phone);
      const unknownPhone = await median(() => uniquePhone());
      // Generous on purpose: without the dummy verification an unknown number would answer ~10x faster.
      expect(unknownPhone).toBeGreaterThan(wrongPin * 0.3);
    });

    it('refuses malformed input with 400 before looking anything up', async () => {
      await t.http().post('/login').send({ phone_number: '12', pin: '123456' }).expect(400);
      await t.http().post('/login').send({ phone_number: uniquePhone(), pin: '12' }).expect(400);
      await t.http().post('/login').send({}).expect(400);
    });
  });

  describe('access tokens', () => {
    it('refuses a missing or malformed Authorization header', async () => {
      expect((await t.http().get('/profile').expect(401)).body).toEqual(UNAUTHENTICATED);
      expect((await t.http().get('/profile').set('Authorization', 'Basic dXNlcjpwYXNz').expect(401)).body).toEqual(UNAUTHENTICATED);
      expect((await t.http().get('/profile').set('Authorization', 'Bearer').expect(401)).body).toEqual(UNAUTHENTICATED);
      expect((await t.http().get('/profile').set('Authorization', 'Bearer not-a-jwt').expect(401)).body).toEqual(UNAUTHENTICATED);
    });

    itInProcess('secret', 'refuses alg:none, tampered, foreign-secret, other-algorithm, expired, wrong-type and refresh tokens', async () => {
      const user = await newUser(t);
      const claims = claimsOf(user.accessToken);
      const now = Math.floor(Date.now() / 1000);
      const secret = t.config.jwtSecret;
      const [h, , s] = user.accessToken.split('.');
      const forged = [
        jwt({ alg: 'none', typ: 'JWT' }, claims, null),
        `${h}.${b64url({ ...claims, sub: '0190f0f0-0000-7000-8000-000000000000' })}.${s}`,
        jwt({ alg: 'HS256', typ: 'JWT' }, claims, 'another-secret-that-is-long-enough-0123456789'),
        jwt({ alg: 'HS512', typ: 'JWT' }, claims, secret, 'sha512'),
        jwt({ alg: 'HS256', typ: 'JWT' }, { ...claims, iat: now - 600, exp: now - 1 }, secret),
        jwt({ alg: 'HS256', typ: 'JWT' }, { ...claims, typ: 'refresh' }, secret),
        jwt({ alg: 'HS256', typ: 'JWT' }, { ...claims, ver: (claims.ver as number) + 1 }, secret),
        user.refreshToken,
      ];
      for (const token of forged) {
        const res = await t.http().get('/profile').set(bearer(token));
        expect({ status: res.status, body: res.body }).toEqual({ status: 401, body: UNAUTHENTICATED });
      }
      await t.http().get('/profile').set(user.auth).expect(200);
    });

    itInProcess('secret', 'takes the role from the account, not from the token', async () => {
      const user = await newUser(t);
      const claims = claimsOf(user.accessToken);
      const promoted = jwt({ alg: 'HS256', typ: 'JWT' }, { ...claims, role: 'ADMIN' }, t.config.jwtSecret);
      const res = await t.http().get(`/users/${user.userId}`).set(bearer(promoted)).expect(403);
      expect(res.body).toEqual({ message: 'You are not allowed to do this', code: 'FORBIDDEN' });
    });

    it('leaves public routes open', async () => {
      await t.http().get('/health/live').expect(200);
    });
  });

  describe('POST /refresh-token', () => {
    it('rotates: a new pair of the same session; the used refresh token dies', async () => {
      const user = await newUser(t);
      const res = await t.http().post('/refresh-token').send({ refresh_token: user.refreshToken }).expect(200);
      const next = res.body.result;
      expect(next).toEqual({ access_token: expect.any(String), refresh_token: expect.any(String), token_type: 'Bearer', expires_in: t.config.accessTokenTtlSeconds });
      expect(next.refresh_token).not.toBe(user.refreshToken);
      expect(claimsOf(next.access_token).sid).toBe(claimsOf(user.accessToken).sid);
      await t.http().get('/profile').set(bearer(next.access_token)).expect(200);
      // The old one is refused (a double submit inside the grace period: no punishment)...
      expect((await t.http().post('/refresh-token').send({ refresh_token: user.refreshToken }).expect(401)).body).toEqual(UNAUTHENTICATED);
      // ...so the session lives on.
      await t.http().post('/refresh-token').send({ refresh_token: next.refresh_token }).expect(200);
    });

    it('lets exactly one of two concurrent refreshes with one token win, without revoking the session', async () => {
      const user = await newUser(t);
      const answers = await Promise.all([1, 2].map(() => t.http().post('/refresh-token').send({ refresh_token: user.refreshToken })));
      expect(answers.map((r) => r.status).sort()).toEqual([200, 401]);
      const winner = answers.find((r) => r.status === 200)!.body.result;
      await t.http().get('/profile').set(bearer(winner.access_token)).expect(200);
      await t.http().post('/refresh-token').send({ refresh_token: winner.refresh_token }).expect(200);
    });

    itInProcess('database', 'revokes the whole session family when a rotated token is replayed after the grace period', async () => {
      const user = await newUser(t);
      const other = await login(t, user.phone, user.pin); // a second session of the same user
      const rotated = (await t.http().post('/refresh-token').send({ refresh_token: user.refreshToken }).expect(200)).body.result;
      await sleep(t.config.refreshReuseGraceSeconds * 1000 + 200);
      expect((await t.http().post('/refresh-token').send({ refresh_token: user.refreshToken }).expect(401)).body).toEqual(UNAUTHENTICATED);
      // Every token of that family is dead at once...
      await t.http().post('/refresh-token').send({ refresh_token: rotated.refresh_token }).expect(401);
      await t.http().get('/profile').set(bearer(rotated.access_token)).expect(401);
      await t.http().get('/profile').set(user.auth).expect(401);
      const session = await t.db.collection('sessions').findOne({ _id: claimsOf(user.accessToken).sid } as never);
      expect(session).toMatchObject({ revoked_at: expect.any(Date), revoked_reason: 'REFRESH_TOKEN_REUSE' });
      // ...and the user's other session is untouched.
      await t.http().get('/profile').set(other.auth).expect(200);
      await t.http().post('/refresh-token').send({ refresh_token: other.refreshToken }).expect(200);
    });

    itInProcess('database', 'refuses unknown, expired and malformed refresh tokens', async () => {
      await t.http().post('/refresh-token').send({ refresh_token: 'x'.repeat(43) }).expect(401);
      await t.http().post('/refresh-token').send({}).expect(400);
      await t.http().post('/refresh-token').send({ refresh_token: 42 }).expect(400);
      const user = await newUser(t);
      await t.db.collection('refresh_tokens').updateMany({ user_id: user.userId }, { $set: { expires_at: new Date(Date.now() - 1000) } });
      expect((await t.http().post('/refresh-token').send({ refresh_token: user.refreshToken }).expect(401)).body).toEqual(UNAUTHENTICATED);
    });
  });

  describe('POST /logout', () => {
    it('ends this session at once (access and refresh), and only this one', async () => {
      const user = await newUser(t);
      const other = await login(t, user.phone, user.pin);
      const res = await t.http().post('/logout').set(user.auth).expect(200);
      expect(res.body).toEqual({ status: 'SUCCESS', result: { logged_out: true } });
      expect((await t.http().get('/profile').set(user.auth).expect(401)).body).toEqual(UNAUTHENTICATED);
      await t.http().post('/refresh-token').send({ refresh_token: user.refreshToken }).expect(401);
      await t.http().post('/logout').set(user.auth).expect(401);
      await t.http().get('/profile').set(other.auth).expect(200);
    });

    it('needs a token', async () => {
      expect((await t.http().post('/logout').expect(401)).body).toEqual(UNAUTHENTICATED);
    });
  });

  describe('PUT /profile/pin', () => {
    it('changes the PIN and makes every token of the user stop working at once', async () => {
      const user = await newUser(t);
      const second = await login(t, user.phone, user.pin);
      const newPin = user.pin === '135790' ? '246801' : '135790';
      const res = await t.http().put('/profile/pin').set(user.auth).send({ old_pin: user.pin, new_pin: newPin }).expect(200);
      expect(res.body).toEqual({
        status: 'SUCCESS',
        result: { user_id: user.userId, message: expect.stringContaining('PIN changed'), updated_date: expect.stringMatching(DATE_TIME) },
      });
      for (const auth of [user.auth, second.auth]) expect((await t.http().get('/profile').set(auth).expect(401)).body).toEqual(UNAUTHENTICATED);
      for (const refresh_token of [user.refreshToken, second.refreshToken]) await t.http().post('/refresh-token').send({ refresh_token }).expect(401);
      expect((await t.http().post('/login').send({ phone_number: user.phone, pin: user.pin }).expect(401)).body).toEqual(INVALID_CREDENTIALS);
      const fresh = await login(t, user.phone, newPin);
      expect(claimsOf(fresh.accessToken).ver).toBe(1);
      await t.http().get('/profile').set(fresh.auth).expect(200);
    });

    it('refuses a wrong old PIN (422), an unchanged PIN (422) and malformed PINs (400)', async () => {
      const user = await newUser(t);
      const wrong = user.pin === '000000' ? '111111' : '000000';
      expect((await t.http().put('/profile/pin').set(user.auth).send({ old_pin: wrong, new_pin: '123123' }).expect(422)).body).toEqual({
        message: 'The old PIN is not correct.',
        code: 'INVALID_OLD_PIN',
      });
      expect((await t.http().put('/profile/pin').set(user.auth).send({ old_pin: user.pin, new_pin: user.pin }).expect(422)).body.code).toBe('SAME_PIN');
      await t.http().put('/profile/pin').set(user.auth).send({ old_pin: user.pin, new_pin: '12345' }).expect(400);
      await t.http().put('/profile/pin').set(user.auth).send({ old_pin: user.pin }).expect(400);
      await t.http().put('/profile/pin').send({ old_pin: user.pin, new_pin: '123123' }).expect(401);
      await t.http().get('/profile').set(user.auth).expect(200);
    });

    it('counts wrong old PINs toward the lock', async () => {
      const user = await newUser(t);
      const wrong = user.pin === '000000' ? '111111' : '000000';
      for (let i = 1; i < t.config.pinMaxAttempts; i++) {
        await t.http().put('/profile/pin').set(user.auth).send({ old_pin: wrong, new_pin: '123123' }).expect(422);
      }
      const locked = await t.http().put('/profile/pin').set(user.auth).send({ old_pin: wrong, new_pin: '123123' }).expect(423);
      expect(locked.body.code).toBe('ACCOUNT_LOCKED');
      await t.http().post('/login').send({ phone_number: user.phone, pin: user.pin }).expect(423);
    });
  });

  describe('lockout after wrong PINs', () => {
    itInProcess('redis', 'locks the number with 423, the remaining time and Retry-After; then even the right PIN is refused', async () => {
      const { phone, pin } = await registerUser(t);
      const wrong = pin === '000000' ? '111111' : '000000';
      for (let i = 1; i < t.config.pinMaxAttempts; i++) {
        expect((await t.http().post('/login').send({ phone_number: phone, pin: wrong }).expect(401)).body).toEqual(INVALID_CREDENTIALS);
      }
      const locked = await t.http().post('/login').send({ phone_number: phone, pin: wrong }).expect(423);
      expect(locked.body).toEqual({
        message: expect.stringMatching(/^Too many wrong PINs\. Try again in (15 minutes|14 minutes \d{1,2} seconds)\.$/),
        code: 'ACCOUNT_LOCKED',
        retry_after_seconds: expect.any(Number),
      });
      expect(locked.body.retry_after_seconds).toBeGreaterThan(t.config.pinLockSeconds - 10);
      expect(locked.body.retry_after_seconds).toBeLessThanOrEqual(t.config.pinLockSeconds);
      expect(Number(locked.headers['retry-after'])).toBe(locked.body.retry_after_seconds);

      const right = await t.http().post('/login').send({ phone_number: phone, pin }).expect(423);
      expect(right.body.code).toBe('ACCOUNT_LOCKED');
      expect(right.headers['retry-after']).toBeDefined();
      // Every spelling of the number is the same lock.
      await t.http().post('/login').send({ phone_number: `+62${phone.slice(1)}`, pin }).expect(423);

      // When the lock runs out, the right PIN works again.
      await redis.del(keys.key('auth', 'pin-lock', phone));
      await login(t, phone, pin);
    });

    it('locks unknown numbers the same way (the lock reveals nothing)', async () => {
      const phone = uniquePhone();
      for (let i = 1; i < t.config.pinMaxAttempts; i++) await t.http().post('/login').send({ phone_number: phone, pin: '000000' }).expect(401);
      await t.http().post('/login').send({ phone_number: phone, pin: '000000' }).expect(423);
    });

    it('resets the count after a successful login', async () => {
      const { phone, pin } = await registerUser(t);
      const wrong = pin === '000000' ? '111111' : '000000';
      for (let round = 0; round < 2; round++) {
        for (let i = 1; i < t.config.pinMaxAttempts; i++) await t.http().post('/login').send({ phone_number: phone, pin: wrong }).expect(401);
        await login(t, phone, pin);
      }
    });
  });

  describe('deactivated accounts', () => {
    it('refuses login with 403 (after the right PIN only) and every existing token at once', async () => {
      const user = await newUser(t);
      const admin = await login(t, t.config.adminPhone, t.config.adminPin);
      await t.http().get('/profile').set(user.auth).expect(200); // warms the session cache
      await t.http().delete(`/users/${user.userId}`).set(admin.auth).expect(200);
      expect((await t.http().get('/profile').set(user.auth).expect(401)).body).toEqual(UNAUTHENTICATED);
      await t.http().post('/refresh-token').send({ refresh_token: user.refreshToken }).expect(401);
      expect((await t.http().post('/login').send({ phone_number: user.phone, pin: user.pin }).expect(403)).body).toEqual({
        message: 'This account has been deactivated. Please contact Dompet support.',
        code: 'ACCOUNT_DEACTIVATED',
      });
      const wrong = user.pin === '000000' ? '111111' : '000000';
      expect((await t.http().post('/login').send({ phone_number: user.phone, pin: wrong }).expect(401)).body).toEqual(INVALID_CREDENTIALS);
    });
  });

  describe('per-request session check', () => {
    itInProcess('redis', 'rebuilds the cached user state from MongoDB after it is lost', async () => {
      const user = await newUser(t);
      await redis.del(keys.key('users', 'auth-state', user.userId));
      await t.http().get('/profile').set(user.auth).expect(200);
      expect(await redis.get(keys.key('users', 'auth-state', user.userId))).toBe('ACTIVE|0|USER|0');
    });
  });
});

describeInProcess('config', 'auth: rate limit on the auth routes', () => {
  let t: TestApp;

  beforeAll(async () => {
    t = await createTestApp({ label: 'authlimit', env: { THROTTLE_LIMIT: '3', THROTTLE_TTL_SECONDS: '60' } });
  });

  afterAll(async () => {
    await t?.close();
  });

  it('answers 429 once a client address exceeds THROTTLE_LIMIT', async () => {
    const body = { phone_number: uniquePhone(), pin: '123456' };
    for (let i = 0; i < 3; i++) await t.http().post('/login').send(body).expect(401);
    const limited = await t.http().post('/login').send(body).expect(429);
    expect(limited.body).toEqual({ message: 'Too many requests, please slow down', code: 'RATE_LIMITED' });
    // The limit is counted per route.
    for (let i = 0; i < 3; i++) await t.http().post('/register').send({}).expect(400);
    await t.http().post('/register').send({}).expect(429);
    // Non-auth public routes are not limited by it.
    await t.http().get('/health/live').expect(200);
    // Its counters live under REDIS_PREFIX, so deployments sharing one Redis never count each other's requests.
    const redis = t.app.get<Redis>(REDIS);
    const ours = await redis.keys(`${t.config.redisPrefix}:throttle:*:hits`);
    expect(ours).toHaveLength(2); // one counter per route: /login and /register
    expect(await redis.keys('undefined*')).toEqual([]);
  });
});
