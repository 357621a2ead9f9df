import { randomBytes } from 'node:crypto';
import { verifyLedger } from '../../src/modules/reconciliation';
import { createTestApp, TestApp } from '../support/test-app';
import { waitForSettled } from '../support/transfers';
import { newUser, TestUser } from '../support/users';
import { balanceOf } from '../support/wallet';

/** `{"a":{"a":…}}` or `[[…]]` nested `depth` levels around `inner` (30 KB: 5,000 object or 15,000 array levels). */
function nested(depth: number, kind: 'object' | 'array', inner = '1'): string {
  return kind === 'object' ? '{"a":'.repeat(depth) + inner + '}'.repeat(depth) : '['.repeat(depth) + inner + ']'.repeat(depth);
}

describe('bad input: refused with 400, nothing moves', () => {
  let t: TestApp;
  let u: TestUser;
  let other: TestUser;
  const START = 500_000;

  beforeAll(async () => {
    t = await createTestApp({ label: 'badinput' });
    [u, other] = await Promise.all([newUser(t), newUser(t)]);
    await t.http().post('/topup').set(u.auth).send({ amount: START }).expect(201);
  });

  afterAll(async () => {
    if (!t) return;
    if (t.inProcess) expect((await verifyLedger(t.db)).problems).toEqual([]);
    await t.close();
  });

  /** POSTs/PUTs a raw JSON text (so it can carry what JSON.stringify would not make). */
  const raw = (method: 'post' | 'put', path: string, body: string | Buffer, headers: Record<string, string> = {}) =>
    t.http()[method](path).set({ 'Content-Type': 'application/json', ...headers }).send(body);

  function expect400(res: { status: number; body: { code?: string; message?: string } }, code = 'VALIDATION_FAILED') {
    expect({ status: res.status, body: res.body }).toMatchObject({ status: 400, body: { code } });
    expect(JSON.stringify(res.body)).not.toMatch(/at .*\.js|stack|RangeError/i);
  }

  describe('(a) deeply nested JSON', () => {
    it.each([
      ['object', 'post', '/login', false],
      ['array', 'post', '/login', false],
      ['object', 'post', '/register', false],
      ['object', 'post', '/topup', true],
      ['array', 'post', '/pay', true],
      ['object', 'post', '/transfer', true],
      ['object', 'put', '/profile', true],
    ] as const)('a deep %s (about 30 KB) is a 400 on %s %s', async (kind, method, path, auth) => {
      const body = nested(kind === 'object' ? 5000 : 15_000, kind);
      expect(body.length).toBeGreaterThan(25_000);
      const res = await raw(method, path, body, auth ? u.auth : {});
      expect400(res);
    });

    it('refuses a top-up whose body carries a deep field, and the balance does not move', async () => {
      const res = await raw('post', '/topup', `{"amount":1000,"note":${nested(5000, 'object')}}`, u.auth);
      expect400(res);
      const alsoArray = await raw('post', '/topup', `{"amount":1000,"note":${nested(40, 'array')}}`, u.auth);
      expect400(alsoArray);
      expect(await balanceOf(t, u)).toBe(START);
    });

    it('still answers ordinary nesting as before (an unknown field is the usual 400)', async () => {
      const res = await raw('post', '/login', `{"phone_number":"081100000000","pin":"000000","x":${nested(5, 'object')}}`);
      expect400(res);
      expect(res.body.errors).toHaveProperty('x');
    });
  });

  describe('(b) a body that cannot be decoded', () => {
    it.each(['br', 'gzip', 'deflate'])('garbage bytes with Content-Encoding: %s are a 400', async (encoding) => {
      const res = await raw('post', '/login', randomBytes(64), { 'Content-Encoding': encoding });
      expect(res.status).toBe(400);
      expect(res.body).toMatchObject({ message: expect.any(String), code: expect.any(String) });
      const paid = await raw('post', '/pay', randomBytes(64), { ...u.auth, 'Content-Encoding': encoding });
      expect(paid.status).toBe(400);
      expect(await balanceOf(t, u)).toBe(START);
    });

    it('an unknown Content-Encoding is refused with 400 or 415, never 500', async () => {
      const res = await raw('post', '/login', '{"phone_number":"081100000000","pin":"000000"}', { 'Content-Encoding': 'x-unknown' });
      expect([400, 415]).toContain(res.status);
    });
  });

  describe('(c) __proto__ and constructor keys', () => {
    it.each([
      ['__proto__', '{"amount":1000,"__proto__":{"admin":true}}'],
      ['constructor', '{"amount":1000,"constructor":{"name":"x"}}'],
      ['constructor (a string)', '{"amount":1000,"constructor":"x"}'],
      ['__proto__ (null)', '{"amount":1000,"__proto__":null}'],
    ])('a top-up with %s is a 400 and the balance does not move', async (_what, body) => {
      const res = await raw('post', '/topup', body, u.auth);
      expect400(res);
      expect(await balanceOf(t, u)).toBe(START);
    });

    it('is refused on every route, nested ones included', async () => {
      expect400(await raw('post', '/login', '{"phone_number":"081100000000","pin":"000000","__proto__":{"x":1}}'));
      expect400(await raw('post', '/pay', '{"amount":1000,"remarks":"x","constructor":{}}', u.auth));
      expect400(await raw('post', '/transfer', `{"target_user":"${other.userId}","amount":1000,"remarks":"x","__proto__":{}}`, u.auth));
      expect400(await raw('put', '/profile', '{"first_name":"A","last_name":"B","address":"Jl. C","__proto__":{"role":"ADMIN"}}', u.auth));
      expect400(await raw('post', '/topup', '{"amount":1000,"x":{"__proto__":{"y":1}}}', u.auth));
      expect(await balanceOf(t, u)).toBe(START);
      const profile = await t.http().get('/profile').set(u.auth).expect(200);
      expect(profile.body.result).toMatchObject({ first_name: 'Budi', last_name: 'Santoso' });
    });
  });

  describe('(d) strings that are not well-formed Unicode', () => {
    it('a lone surrogate in the remarks of a payment is a 400, nothing echoed or stored', async () => {
      for (const remarks of ['\\ud800', 'Pulsa \\udfff', 'x\\ud83d']) {
        const res = await raw('post', '/pay', `{"amount":1000,"remarks":"${remarks}"}`, u.auth);
        expect400(res);
        expect(res.body.errors).toHaveProperty('remarks');
      }
      expect(await balanceOf(t, u)).toBe(START);
    });

    it('a lone surrogate in the remarks of a transfer is a 400, nothing moves', async () => {
      const res = await raw('post', '/transfer', `{"target_user":"${other.userId}","amount":1000,"remarks":"Hadiah \\ud800"}`, u.auth);
      expect400(res);
      expect(await balanceOf(t, u)).toBe(START);
      expect(await balanceOf(t, other)).toBe(0);
    });

    it('applies to every string field, and a well-formed pair (an emoji) is accepted', async () => {
      expect400(await raw('put', '/profile', '{"first_name":"\\udc00","last_name":"B","address":"Jl. C"}', u.auth));
      expect400(await raw('post', '/login', '{"phone_number":"0811\\ud800","pin":"000000"}'));
      const ok = await raw('post', '/pay', '{"amount":1000,"remarks":"Kopi \\ud83d\\ude00"}', u.auth);
      expect(ok.status).toBe(201);
      expect(ok.body.result.remarks).toBe('Kopi \u{1F600}');
      const refund = await t.http().post('/topup').set(u.auth).send({ amount: 1000 }).expect(201);
      expect(refund.body.result.balance_after).toBe(START);
    });
  });

  describe('(e) UUIDs in upper case', () => {
    it('my own id in upper case as target_user is the self-transfer 422, nothing moves', async () => {
      const res = await t.http().post('/transfer').set(u.auth).send({ target_user: u.userId.toUpperCase(), amount: 1000, remarks: 'self' });
      expect({ status: res.status, body: res.body }).toMatchObject({ status: 422, body: { code: 'SELF_TRANSFER' } });
      expect(await balanceOf(t, u)).toBe(START);
    });

    it("another user's id in upper case is that user; the transfer id is found in upper case too", async () => {
      const res = await t.http().post('/transfer').set(u.auth).send({ target_user: other.userId.toUpperCase(), amount: 1000, remarks: 'upper' });
      expect(res.status).toBe(202);
      const settled = await waitForSettled(t, u, res.body.result.transfer_id);
      expect(settled).toMatchObject({ status: 'SUCCESS', receiver_user_id: other.userId, sender_user_id: u.userId });
      expect(await balanceOf(t, other)).toBe(1000);
      expect(await balanceOf(t, u)).toBe(START - 1000);
      const upper = await t.http().get(`/transfers/${res.body.result.transfer_id.toUpperCase()}`).set(u.auth);
      expect(upper.status).toBe(200);
      expect(upper.body.result.transfer_id).toBe(res.body.result.transfer_id);
      // give it back, so the balances are as the other tests expect
      await t.http().post('/transfer').set(other.auth).send({ target_user: u.userId.toUpperCase(), amount: 1000, remarks: 'back' }).expect(202);
    });
  });
});
