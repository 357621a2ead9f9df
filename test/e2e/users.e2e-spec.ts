import { AdminAccountBootstrap } from '../../src/modules/users/services/admin-account.bootstrap';
import { describeWithDatabase, itWithDatabase } from '../support/modes';
import { createTestApp, TestApp } from '../support/test-app';
import { adminAuth, login, newUser, randomPin, registerUser, TestUser, uniquePhone } from '../support/users';

const UUID_V7 = /^[0-9a-f]{8}-[0-9a-f]{4}-7[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/;
const DATE_TIME = /^\d{4}-\d{2}-\d{2} \d{2}:\d{2}:\d{2}$/;
const FORBIDDEN = { message: 'You are not allowed to do this', code: 'FORBIDDEN' };
const UNAUTHENTICATED = { message: 'Unauthenticated', code: 'UNAUTHENTICATED' };
const UNKNOWN_ID = '0190f0f0-0000-7000-8000-00000000abcd';

describe('users: profile, admin management, directory and lookup', () => {
  let t: TestApp;
  let admin: { Authorization: string };

  beforeAll(async () => {
    t = await createTestApp({ label: 'users' });
    admin = await adminAuth(t);
  });

  afterAll(async () => {
    await t?.close();
  });

  describeWithDatabase('the configured admin account', () => {
    it('exists after boot with role ADMIN, and ensuring it again (even concurrently) changes nothing', async () => {
      const stored = await t.db.collection('users').find({ role: 'ADMIN' }).toArray();
      expect(stored).toHaveLength(1);
      expect(stored[0]).toMatchObject({ phone_number: t.config.adminPhone, status: 'ACTIVE' });
      const bootstrap = t.app.get(AdminAccountBootstrap);
      expect(await Promise.all([bootstrap.ensureAdminAccount(), bootstrap.ensureAdminAccount()])).toEqual(['exists', 'exists']);
      expect(await t.db.collection('users').countDocuments({ phone_number: t.config.adminPhone })).toBe(1);
    });
  });

  describe('GET /profile and PUT /profile', () => {
    it('answers my profile with a zero balance for a new user, never the PIN hash', async () => {
      const user = await newUser(t);
      const res = await t.http().get('/profile').set(user.auth).expect(200);
      expect(res.body).toEqual({
        status: 'SUCCESS',
        result: {
          user_id: user.userId,
          first_name: user.firstName,
          last_name: user.lastName,
          phone_number: user.phone,
          address: expect.any(String),
          role: 'USER',
          wallet_frozen: false,
          balance: 0,
          created_date: expect.stringMatching(DATE_TIME),
          updated_date: expect.stringMatching(DATE_TIME),
        },
      });
      expect(JSON.stringify(res.body)).not.toMatch(/pin|argon/i);
    });

    it('updates names and address (trimmed) and answers the brief shape', async () => {
      const user = await newUser(t);
      const res = await t.http().put('/profile').set(user.auth).send({ first_name: ' Tom ', last_name: 'Araya', address: 'Jl. Diponegoro No. 215' }).expect(200);
      expect(res.body).toEqual({
        status: 'SUCCESS',
        result: { user_id: user.userId, first_name: 'Tom', last_name: 'Araya', address: 'Jl. Diponegoro No. 215', updated_date: expect.stringMatching(DATE_TIME) },
      });
      const profile = (await t.http().get('/profile').set(user.auth).expect(200)).body.result;
      expect(profile).toMatchObject({ first_name: 'Tom', last_name: 'Araya', address: 'Jl. Diponegoro No. 215', phone_number: user.phone });
      // A partial update keeps the other fields.
      await t.http().put('/profile').set(user.auth).send({ address: 'Jl. Sudirman 1' }).expect(200);
      expect((await t.http().get('/profile').set(user.auth).expect(200)).body.result).toMatchObject({ first_name: 'Tom', address: 'Jl. Sudirman 1' });
    });

    it('refuses phone_number and pin in the body with 400 and changes nothing', async () => {
      const user = await newUser(t);
      const phone = await t.http().put('/profile').set(user.auth).send({ first_name: 'Hacker', phone_number: uniquePhone() }).expect(400);
      expect(phone.body).toMatchObject({ code: 'VALIDATION_FAILED', errors: { phone_number: ['phone_number is not an accepted field'] } });
      const pin = await t.http().put('/profile').set(user.auth).send({ first_name: 'Hacker', pin: '000000' }).expect(400);
      expect(pin.body.errors.pin).toEqual(['pin is not an accepted field']);
      await t.http().put('/profile').set(user.auth).send({ role: 'ADMIN' }).expect(400);
      const profile = (await t.http().get('/profile').set(user.auth).expect(200)).body.result;
      expect(profile).toMatchObject({ first_name: user.firstName, phone_number: user.phone, role: 'USER' });
      await login(t, user.phone, user.pin);
    });

    it('refuses an empty body, blank and too long fields with 400', async () => {
      const user = await newUser(t);
      await t.http().put('/profile').set(user.auth).send({}).expect(400);
      await t.http().put('/profile').set(user.auth).send({ first_name: '   ' }).expect(400);
      await t.http().put('/profile').set(user.auth).send({ last_name: 'x'.repeat(51) }).expect(400);
      await t.http().put('/profile').set(user.auth).send({ address: 42 }).expect(400);
    });

    it('refuses null for any field (a field is either left out or valid) and changes nothing', async () => {
      const user = await newUser(t);
      const before = (await t.http().get('/profile').set(user.auth).expect(200)).body.result;
      for (const field of ['first_name', 'last_name', 'address']) {
        const res = await t.http().put('/profile').set(user.auth).send({ first_name: 'Guntur', [field]: null }).expect(400);
        expect(res.body.errors).toHaveProperty(field);
      }
      expect((await t.http().get('/profile').set(user.auth).expect(200)).body.result).toEqual(before);
    });

    it('needs a token', async () => {
      expect((await t.http().get('/profile').expect(401)).body).toEqual(UNAUTHENTICATED);
      expect((await t.http().put('/profile').send({ first_name: 'X' }).expect(401)).body).toEqual(UNAUTHENTICATED);
    });
  });

  describe('admin: /users', () => {
    it('creates a user (optionally an admin) who can log in; a taken phone is 409', async () => {
      const phone = uniquePhone();
      const pin = randomPin();
      const res = await t
        .http()
        .post('/users')
        .set(admin)
        .send({ first_name: 'Siti', last_name: 'Rahma', phone_number: `+62${phone.slice(1)}`, address: 'Bandung', pin })
        .expect(201);
      expect(res.body.result).toEqual({
        user_id: expect.stringMatching(UUID_V7),
        first_name: 'Siti',
        last_name: 'Rahma',
        phone_number: phone,
        address: 'Bandung',
        role: 'USER',
        status: 'ACTIVE',
        wallet_frozen: false,
        created_date: expect.stringMatching(DATE_TIME),
        updated_date: expect.stringMatching(DATE_TIME),
      });
      await login(t, phone, pin);
      const dup = await t.http().post('/users').set(admin).send({ first_name: 'A', last_name: 'B', phone_number: phone, address: 'C', pin }).expect(409);
      expect(dup.body).toEqual({ message: 'Phone Number already registered', code: 'PHONE_ALREADY_REGISTERED' });

      const adminPhone = uniquePhone();
      const second = await t.http().post('/users').set(admin).send({ first_name: 'Second', last_name: 'Admin', phone_number: adminPhone, address: 'HQ', pin, role: 'ADMIN' }).expect(201);
      expect(second.body.result.role).toBe('ADMIN');
      const secondAdmin = await login(t, adminPhone, pin);
      await t.http().get(`/users/${res.body.result.user_id}`).set(secondAdmin.auth).expect(200);
      await t.http().post('/users').set(admin).send({ first_name: 'A', last_name: 'B', phone_number: uniquePhone(), address: 'C', pin, role: 'ROOT' }).expect(400);
    });

    it('reads one user in full (no PIN hash); unknown id 404, malformed id 400', async () => {
      const user = await newUser(t);
      const res = await t.http().get(`/users/${user.userId}`).set(admin).expect(200);
      expect(res.body.result).toMatchObject({ user_id: user.userId, phone_number: user.phone, role: 'USER', status: 'ACTIVE', wallet_frozen: false });
      expect(JSON.stringify(res.body)).not.toMatch(/pin/i);
      expect((await t.http().get(`/users/${UNKNOWN_ID}`).set(admin).expect(404)).body).toEqual({ message: 'User not found', code: 'USER_NOT_FOUND' });
      expect((await t.http().get('/users/not-a-uuid').set(admin).expect(400)).body.code).toBe('VALIDATION_FAILED');
      for (const [method, path] of [
        ['put', `/users/${UNKNOWN_ID}`],
        ['delete', `/users/${UNKNOWN_ID}`],
        ['post', `/users/${UNKNOWN_ID}/freeze`],
        ['post', `/users/${UNKNOWN_ID}/unfreeze`],
      ] as const) {
        await t.http()[method](path).set(admin).send(method === 'put' ? { first_name: 'X' } : {}).expect(404);
        await t.http()[method](path.replace(UNKNOWN_ID, '123')).set(admin).send(method === 'put' ? { first_name: 'X' } : {}).expect(400);
      }
    });

    it('edits names, address and role; a role change takes effect on existing tokens at once', async () => {
      const user = await newUser(t);
      const res = await t.http().put(`/users/${user.userId}`).set(admin).send({ first_name: 'Renamed', address: 'Surabaya' }).expect(200);
      expect(res.body.result).toMatchObject({ first_name: 'Renamed', last_name: user.lastName, address: 'Surabaya', role: 'USER' });
      await t.http().put(`/users/${user.userId}`).set(admin).send({}).expect(400);
      await t.http().put(`/users/${user.userId}`).set(admin).send({ phone_number: uniquePhone() }).expect(400);
      await t.http().put(`/users/${user.userId}`).set(admin).send({ pin: '123456' }).expect(400);

      await t.http().get(`/users/${user.userId}`).set(user.auth).expect(403);
      await t.http().put(`/users/${user.userId}`).set(admin).send({ role: 'ADMIN' }).expect(200);
      await t.http().get(`/users/${user.userId}`).set(user.auth).expect(200);
      await t.http().put(`/users/${user.userId}`).set(admin).send({ role: 'USER' }).expect(200);
      await t.http().get(`/users/${user.userId}`).set(user.auth).expect(403);
    });

    itWithDatabase('deactivates: 200 with the user, history kept, tokens refused at once, login refused, repeat harmless', async () => {
      const user = await newUser(t);
      await t.http().get('/profile').set(user.auth).expect(200);
      const res = await t.http().delete(`/users/${user.userId}`).set(admin).expect(200);
      expect(res.body.result).toMatchObject({ user_id: user.userId, status: 'DEACTIVATED' });
      expect((await t.http().get('/profile').set(user.auth).expect(401)).body).toEqual(UNAUTHENTICATED);
      await t.http().post('/login').send({ phone_number: user.phone, pin: user.pin }).expect(403);
      expect(await t.db.collection('users').findOne({ _id: user.userId } as never)).toMatchObject({ status: 'DEACTIVATED', token_version: 1 });
      expect((await t.http().delete(`/users/${user.userId}`).set(admin).expect(200)).body.result.status).toBe('DEACTIVATED');
      // Still readable by admins, and the number stays taken.
      await t.http().get(`/users/${user.userId}`).set(admin).expect(200);
      await t.http().post('/register').send({ first_name: 'A', last_name: 'B', phone_number: user.phone, address: 'C', pin: '123456' }).expect(409);
    });

    itWithDatabase('never loses a deactivation to concurrent edits of the same user (writes to one user are serialised)', async () => {
      for (let round = 0; round < 3; round++) {
        const user = await newUser(t);
        const edits = (n: number) => Array.from({ length: n }, (_, i) => t.http().put('/profile').set(user.auth).send({ address: `Edit ${i}` }));
        const adminEdits = (n: number) => Array.from({ length: n }, (_, i) => t.http().post(`/users/${user.userId}/${i % 2 ? 'freeze' : 'unfreeze'}`).set(admin));
        const answers = await Promise.all([...edits(6), ...adminEdits(6), t.http().delete(`/users/${user.userId}`).set(admin), ...edits(6), ...adminEdits(6)]);
        expect(answers[12].status).toBe(200);
        expect(await t.db.collection('users').findOne({ _id: user.userId } as never)).toMatchObject({ status: 'DEACTIVATED', token_version: 1 });
      }
    });

    it('refuses to let an admin deactivate or demote their own account', async () => {
      const me = (await t.http().get('/profile').set(admin).expect(200)).body.result;
      expect((await t.http().delete(`/users/${me.user_id}`).set(admin).expect(422)).body.code).toBe('OWN_ACCOUNT_CHANGE_REFUSED');
      expect((await t.http().put(`/users/${me.user_id}`).set(admin).send({ role: 'USER' }).expect(422)).body.code).toBe('OWN_ACCOUNT_CHANGE_REFUSED');
      // null is not a way around either rule.
      expect((await t.http().put(`/users/${me.user_id}`).set(admin).send({ role: null }).expect(400)).body.errors).toHaveProperty('role');
      expect((await t.http().put(`/users/${me.user_id}`).set(admin).send({ last_name: null }).expect(400)).body.errors).toHaveProperty('last_name');
      expect((await t.http().get('/profile').set(admin).expect(200)).body.result.role).toBe('ADMIN');
      await t.http().put(`/users/${me.user_id}`).set(admin).send({ first_name: 'Dompet' }).expect(200);
    });

    itWithDatabase('freezes and unfreezes a wallet (200, idempotent)', async () => {
      const user = await newUser(t);
      expect((await t.http().post(`/users/${user.userId}/freeze`).set(admin).expect(200)).body.result.wallet_frozen).toBe(true);
      expect((await t.http().post(`/users/${user.userId}/freeze`).set(admin).expect(200)).body.result.wallet_frozen).toBe(true);
      expect((await t.http().get('/profile').set(user.auth).expect(200)).body.result.wallet_frozen).toBe(true);
      expect((await t.http().post(`/users/${user.userId}/unfreeze`).set(admin).expect(200)).body.result.wallet_frozen).toBe(false);
      expect(await t.db.collection('users').findOne({ _id: user.userId } as never)).toMatchObject({ wallet_frozen: false });
    });

    it('lists every user with search by name or phone and cursor pagination', async () => {
      const tag = `Zq${Date.now().toString(36)}`.replace(/\d/g, 'x');
      const made: TestUser[] = [];
      for (let i = 0; i < 5; i++) made.push(await newUser(t, { first_name: `${tag}`, last_name: `Person${'abcde'[i]}` }));
      await t.http().delete(`/users/${made[4].userId}`).set(admin).expect(200);

      const first = await t.http().get('/users').query({ q: tag.toLowerCase(), limit: 2 }).set(admin).expect(200);
      expect(first.body.result).toHaveLength(2);
      expect(first.body.pagination).toEqual({ next_cursor: expect.any(String), has_more: true });
      expect(first.body.result[0]).toEqual({
        user_id: made[0].userId,
        first_name: tag,
        last_name: 'Persona',
        phone_number: made[0].phone,
        address: expect.any(String),
        role: 'USER',
        status: 'ACTIVE',
        wallet_frozen: false,
        created_date: expect.stringMatching(DATE_TIME),
        updated_date: expect.stringMatching(DATE_TIME),
      });
      const ids: string[] = first.body.result.map((u: { user_id: string }) => u.user_id);
      let cursor = first.body.pagination.next_cursor;
      while (cursor) {
        const page = await t.http().get('/users').query({ q: tag, limit: 2, cursor }).set(admin).expect(200);
        ids.push(...page.body.result.map((u: { user_id: string }) => u.user_id));
        cursor = page.body.pagination.next_cursor;
        if (!page.body.pagination.has_more) expect(cursor).toBeNull();
      }
      // Admins see deactivated users too, each exactly once, in registration order.
      expect(ids).toEqual(made.map((u) => u.userId));

      // Two words must both match; phone digits match in any spelling.
      expect((await t.http().get('/users').query({ q: `${tag} personc` }).set(admin).expect(200)).body.result.map((u: { user_id: string }) => u.user_id)).toEqual([made[2].userId]);
      const byPhone = await t.http().get('/users').query({ q: `+62${made[1].phone.slice(1)}` }).set(admin).expect(200);
      expect(byPhone.body.result.map((u: { user_id: string }) => u.user_id)).toEqual([made[1].userId]);
      const byDigits = await t.http().get('/users').query({ q: made[3].phone.slice(-7) }).set(admin).expect(200);
      expect(byDigits.body.result.map((u: { user_id: string }) => u.user_id)).toContain(made[3].userId);
    });

    it('validates limit and cursor', async () => {
      await t.http().get('/users').query({ limit: 101 }).set(admin).expect(400);
      await t.http().get('/users').query({ limit: 0 }).set(admin).expect(400);
      await t.http().get('/users').query({ limit: 'ten' }).set(admin).expect(400);
      expect((await t.http().get('/users').query({ cursor: 'garbage' }).set(admin).expect(400)).body.code).toBe('VALIDATION_FAILED');
      const all = await t.http().get('/users').set(admin).expect(200);
      expect(all.body.result.length).toBeLessThanOrEqual(20);
    });
  });

  describe('ordinary users', () => {
    let user: TestUser;

    beforeAll(async () => {
      user = await newUser(t);
    });

    itWithDatabase('get 403 on every admin route', async () => {
      const target = await registerUser(t);
      const calls = [
        t.http().get(`/users/${target.userId}`),
        t.http().post('/users').send({ first_name: 'A', last_name: 'B', phone_number: uniquePhone(), address: 'C', pin: '123456' }),
        t.http().put(`/users/${target.userId}`).send({ first_name: 'X' }),
        t.http().delete(`/users/${target.userId}`),
        t.http().post(`/users/${target.userId}/freeze`),
        t.http().post(`/users/${target.userId}/unfreeze`),
      ];
      for (const call of calls) {
        const res = await call.set(user.auth);
        expect({ status: res.status, body: res.body }).toEqual({ status: 403, body: FORBIDDEN });
      }
      expect(await t.db.collection('users').findOne({ _id: target.userId } as never)).toMatchObject({ status: 'ACTIVE', wallet_frozen: false, first_name: 'Budi' });
    });

    it('see a directory of active users: names and masked phone only, never themselves, admins or the deactivated', async () => {
      const tag = `Dir${Date.now().toString(36)}`.replace(/\d/g, 'y');
      const a = await registerUser(t, { first_name: tag, last_name: 'Alpha' });
      const b = await registerUser(t, { first_name: tag, last_name: 'Beta' });
      const gone = await registerUser(t, { first_name: tag, last_name: 'Gone' });
      await t.http().delete(`/users/${gone.userId}`).set(admin).expect(200);

      const res = await t.http().get('/users').query({ limit: 10 }).set(user.auth).expect(200);
      expect(res.body.result.length).toBeLessThanOrEqual(10);
      for (const entry of res.body.result) {
        expect(Object.keys(entry).sort()).toEqual(['first_name', 'last_name', 'phone_number_masked', 'user_id']);
        expect(entry.phone_number_masked).toMatch(/^08\d{2}\*+\d{3}$/);
      }
      const ids = res.body.result.map((e: { user_id: string }) => e.user_id);
      expect(ids).not.toContain(user.userId);
      expect(JSON.stringify(res.body)).not.toMatch(/pin|balance|0811000/i);

      const mine = await t.http().get('/users').query({ q: tag }).set(user.auth).expect(200);
      expect(mine.body.result).toEqual([
        { user_id: a.userId, first_name: tag, last_name: 'Alpha', phone_number_masked: `${a.phone.slice(0, 4)}${'*'.repeat(a.phone.length - 7)}${a.phone.slice(-3)}` },
        { user_id: b.userId, first_name: tag, last_name: 'Beta', phone_number_masked: expect.stringMatching(/^08\d{2}\*{5}\d{3}$/) },
      ]);
      expect(mine.body.pagination).toEqual({ next_cursor: null, has_more: false });

      const paged = await t.http().get('/users').query({ q: tag, limit: 1 }).set(user.auth).expect(200);
      expect(paged.body.result.map((e: { user_id: string }) => e.user_id)).toEqual([a.userId]);
      const rest = await t.http().get('/users').query({ q: tag, limit: 1, cursor: paged.body.pagination.next_cursor }).set(user.auth).expect(200);
      expect(rest.body.result.map((e: { user_id: string }) => e.user_id)).toEqual([b.userId]);

      // Phone digits do not search the directory (they would unmask numbers).
      expect((await t.http().get('/users').query({ q: a.phone }).set(user.auth).expect(200)).body.result).toEqual([]);
    });

    it('look up an active user by exact phone number in any spelling', async () => {
      const target = await registerUser(t, { first_name: 'Lookup', last_name: 'Target' });
      const expected = { user_id: target.userId, first_name: 'Lookup', last_name: 'Target', phone_number_masked: expect.stringMatching(/^08\d{2}\*+\d{3}$/) };
      for (const spelling of [target.phone, `+62${target.phone.slice(1)}`, `62${target.phone.slice(1)}`]) {
        const res = await t.http().get('/users/lookup').query({ phone_number: spelling }).set(user.auth).expect(200);
        expect(res.body).toEqual({ status: 'SUCCESS', result: expected });
      }
      expect((await t.http().get('/users/lookup').query({ phone_number: uniquePhone() }).set(user.auth).expect(404)).body).toEqual({
        message: 'User not found',
        code: 'USER_NOT_FOUND',
      });
      await t.http().get('/users/lookup').query({ phone_number: '12345' }).set(user.auth).expect(400);
      await t.http().get('/users/lookup').set(user.auth).expect(400);
      await t.http().delete(`/users/${target.userId}`).set(admin).expect(200);
      await t.http().get('/users/lookup').query({ phone_number: target.phone }).set(user.auth).expect(404);
      await t.http().get('/users/lookup').query({ phone_number: target.phone }).expect(401);
    });
  });

  describe('OpenAPI', () => {
    it('documents every auth and users route with the Bearer scheme and error examples', async () => {
      const doc = (await t.http().get('/docs-json').expect(200)).body;
      const routes: Array<[string, string, number[]]> = [
        ['/register', 'post', [201, 400, 409, 429]],
        ['/login', 'post', [200, 400, 401, 403, 423, 429]],
        ['/refresh-token', 'post', [200, 400, 401]],
        ['/logout', 'post', [200, 401]],
        ['/profile', 'get', [200, 401]],
        ['/profile', 'put', [200, 400, 401]],
        ['/profile/pin', 'put', [200, 400, 401, 422, 423]],
        ['/users', 'get', [200, 400, 401]],
        ['/users', 'post', [201, 400, 401, 403, 409]],
        ['/users/lookup', 'get', [200, 400, 401, 404]],
        ['/users/{id}', 'get', [200, 400, 401, 403, 404]],
        ['/users/{id}', 'put', [200, 400, 401, 403, 404]],
        ['/users/{id}', 'delete', [200, 400, 401, 403, 404]],
        ['/users/{id}/freeze', 'post', [200, 400, 401, 403, 404]],
        ['/users/{id}/unfreeze', 'post', [200, 400, 401, 403, 404]],
      ];
      for (const [path, method, statuses] of routes) {
        const op = doc.paths[path]?.[method];
        expect({ path, method, summary: typeof op?.summary }).toEqual({ path, method, summary: 'string' });
        for (const status of statuses) expect({ path, method, status, documented: !!op.responses[String(status)] }).toEqual({ path, method, status, documented: true });
        const isPublic = ['/register', '/login', '/refresh-token'].includes(path);
        expect({ path, bearer: !!op.security?.some((s: Record<string, unknown>) => 'bearer' in s) }).toEqual({ path, bearer: !isPublic });
      }
      expect(doc.paths['/login'].post.responses['423'].content['application/json'].examples.ACCOUNT_LOCKED.value).toMatchObject({ code: 'ACCOUNT_LOCKED' });
    });
  });

  // Runs last: it replaces the admin account, so earlier admin tokens stop working.
  describeWithDatabase('the configured admin account, created by several processes at once', () => {
    it('is created exactly once; the other boots find it', async () => {
      await t.db.collection('users').deleteMany({ phone_number: t.config.adminPhone });
      await t.db.collection('user_phones').deleteMany({ _id: t.config.adminPhone } as never);
      const bootstrap = t.app.get(AdminAccountBootstrap);
      const outcomes = await Promise.all([bootstrap.ensureAdminAccount(), bootstrap.ensureAdminAccount(), bootstrap.ensureAdminAccount()]);
      expect(outcomes.sort()).toEqual(['created', 'exists', 'exists']);
      expect(await t.db.collection('users').countDocuments({ phone_number: t.config.adminPhone, role: 'ADMIN' })).toBe(1);
      const fresh = await adminAuth(t);
      await t.http().get('/users').set(fresh).expect(200);
    });
  });
});
