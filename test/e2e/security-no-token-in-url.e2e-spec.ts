/**
 * No token in a URL (SPEC): the queue dashboard signs in with a form and an HttpOnly cookie, a token
 * in the query string grants nothing, and the request log never holds a token.
 */
import { PinoLogger } from 'nestjs-pino';
import pino from 'pino';
import { redactUrl } from '../../src/infrastructure/logging.module';
import { TRANSFER_QUEUE } from '../../src/modules/transfers/queue/transfer-queue';
import { describeInProcess } from '../support/modes';
import { createTestApp, TestApp } from '../support/test-app';
import { bearer, login, newUser, registerUser } from '../support/users';

const COOKIE = 'dompet_queues_session';
const UNAUTHENTICATED = { message: 'Unauthenticated', code: 'UNAUTHENTICATED' };
const HTML = 'text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8';
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

function setCookieOf(headers: Record<string, unknown>): string {
  const all = ([] as string[]).concat((headers['set-cookie'] as string[] | string | undefined) ?? []);
  const ours = all.find((c) => c.startsWith(`${COOKIE}=`));
  if (!ours) throw new Error(`no ${COOKIE} cookie in ${JSON.stringify(all)}`);
  return ours;
}

const valueOf = (setCookie: string) => setCookie.slice(COOKIE.length + 1).split(';')[0];

describe('security: the queue dashboard signs in with a form and a cookie, never a token in the URL', () => {
  let t: TestApp;

  beforeAll(async () => {
    t = await createTestApp({ label: 'secdash' });
  });

  afterAll(async () => {
    await t?.close();
  });

  const signIn = (phone: string, pin: string) => t.http().post('/admin/queues/session').type('form').send({ phone_number: phone, pin });

  it('without credentials: a browser is sent to the sign-in form, any other client gets 401', async () => {
    const browser = await t.http().get('/admin/queues').set('Accept', HTML).expect(303);
    expect(browser.headers.location).toBe('/admin/queues/login');
    expect((await t.http().get('/admin/queues').expect(401)).body).toEqual(UNAUTHENTICATED);
    expect((await t.http().get('/admin/queues/api/queues').expect(401)).body).toEqual(UNAUTHENTICATED);

    const form = await t.http().get('/admin/queues/login').set('Accept', HTML).expect(200);
    expect(form.headers['content-type']).toMatch(/^text\/html/);
    expect(form.headers['cache-control']).toBe('no-store');
    expect(form.text).toContain('<form method="post" action="/admin/queues/session"');
    expect(form.text).toContain('name="phone_number"');
    expect(form.text).toContain('name="pin" type="password"');
  });

  it('signs an admin in: an HttpOnly, SameSite=Strict cookie scoped to /admin/queues, then the board answers 200 HTML', async () => {
    const res = await signIn(t.config.adminPhone, t.config.adminPin).set('Accept', HTML).expect(303);
    expect(res.headers.location).toBe('/admin/queues');
    const setCookie = setCookieOf(res.headers);
    expect(setCookie).toMatch(/; HttpOnly(;|$)/);
    expect(setCookie).toMatch(/; SameSite=Strict(;|$)/);
    expect(setCookie).toMatch(/; Path=\/admin\/queues(;|$)/);
    expect(setCookie).toMatch(/; Max-Age=\d+/);
    if (t.inProcess) expect(setCookie).not.toMatch(/; Secure/); // NODE_ENV=test: Secure only in production (below)

    const cookie = `${COOKIE}=${valueOf(setCookie)}`;
    const page = await t.http().get('/admin/queues').set('Cookie', cookie).set('Accept', HTML).expect(200);
    expect(page.headers['content-type']).toMatch(/^text\/html/);
    expect(page.text).toContain('<div id="root">');
    const api = await t.http().get('/admin/queues/api/queues').set('Cookie', cookie).expect(200);
    expect(JSON.stringify(api.body)).toContain(TRANSFER_QUEUE);
    // The cookie's credential is the dashboard's own: it is not an access token of the API.
    expect((await t.http().get('/profile').set(bearer(valueOf(setCookie))).expect(401)).body).toEqual(UNAUTHENTICATED);
  });

  it('a JSON client gets 200 and the same cookie; a Bearer access token of an admin still works', async () => {
    const res = await signIn(t.config.adminPhone, t.config.adminPin).expect(200);
    expect(res.body).toEqual({ status: 'SUCCESS', result: { signed_in: true, expires_in: expect.any(Number) } });
    setCookieOf(res.headers);
    const admin = await login(t, t.config.adminPhone, t.config.adminPin);
    await t.http().get('/admin/queues').set(admin.auth).expect(200);
    // An access token handed over in the body (never the URL) also signs in.
    const viaToken = await t.http().post('/admin/queues/session').type('form').send({ access_token: admin.accessToken }).expect(200);
    await t.http().get('/admin/queues/api/queues').set('Cookie', `${COOKIE}=${valueOf(setCookieOf(viaToken.headers))}`).expect(200);
  });

  it('?access_token= in the URL grants nothing and sets no cookie', async () => {
    const admin = await login(t, t.config.adminPhone, t.config.adminPin);
    for (const path of ['/admin/queues', '/admin/queues/api/queues']) {
      const res = await t.http().get(path).query({ access_token: admin.accessToken }).expect(401);
      expect(res.body).toEqual(UNAUTHENTICATED);
      expect(res.headers['set-cookie']).toBeUndefined();
    }
    await t.http().get('/admin/queues').query({ access_token: admin.accessToken }).set('Accept', HTML).expect(303);
  });

  it('a non-admin gets 403: through the form (and the session it opened is ended), with a Bearer token, with a cookie', async () => {
    const user = await newUser(t);
    const res = await signIn(user.phone, user.pin).expect(403);
    expect(res.body).toEqual({ message: 'Only administrators can see the queues', code: 'FORBIDDEN' });
    expect(res.headers['set-cookie']).toBeUndefined();
    const browser = await signIn(user.phone, user.pin).set('Accept', HTML).expect(403);
    expect(browser.text).toContain('Only administrators can see the queues.');
    await t.http().get('/admin/queues').set(user.auth).expect(403);
    const viaToken = await t.http().post('/admin/queues/session').send({ access_token: user.accessToken }).expect(403);
    expect(viaToken.headers['set-cookie']).toBeUndefined();
  });

  it('wrong PINs through the form count toward the same lock as POST /login', async () => {
    const { phone, pin } = await registerUser(t);
    const wrong = pin === '000000' ? '111111' : '000000';
    for (let i = 1; i < t.config.pinMaxAttempts; i++) {
      const res = await signIn(phone, wrong).expect(401);
      expect(res.body).toEqual({ message: "Phone number and pin doesn't match.", code: 'INVALID_CREDENTIALS' });
    }
    const locked = await signIn(phone, wrong).set('Accept', HTML).expect(423);
    expect(locked.text).toContain('Too many wrong PINs');
    expect(Number(locked.headers['retry-after'])).toBeGreaterThan(0);
    await t.http().post('/login').send({ phone_number: phone, pin }).expect(423);
    expect((await signIn(phone, pin).expect(423)).body.code).toBe('ACCOUNT_LOCKED');
  });

  it('refuses malformed input (400) and a form posted from another site (403)', async () => {
    await signIn('12', '123456').expect(400);
    await signIn(t.config.adminPhone, '12').expect(400);
    const res = await signIn(t.config.adminPhone, t.config.adminPin).set('Origin', 'https://evil.example').expect(403);
    expect(res.headers['set-cookie']).toBeUndefined();
    await t.http().get('/admin/queues/session').expect(405);
  });

  it('signing out clears the cookie and ends the session the form opened', async () => {
    const cookie = `${COOKIE}=${valueOf(setCookieOf((await signIn(t.config.adminPhone, t.config.adminPin).expect(200)).headers))}`;
    await t.http().get('/admin/queues').set('Cookie', cookie).expect(200);
    const out = await t.http().post('/admin/queues/logout').set('Cookie', cookie).set('Accept', HTML).expect(303);
    expect(out.headers.location).toBe('/admin/queues/login?signed_out');
    const cleared = setCookieOf(out.headers);
    expect(valueOf(cleared)).toBe('');
    expect(cleared).toMatch(/; Path=\/admin\/queues(;|$)/);
    expect(cleared).toMatch(/Expires=Thu, 01 Jan 1970/);
    // The old cookie is dead even if a browser kept it.
    await t.http().get('/admin/queues').set('Cookie', cookie).expect(401);
    expect((await t.http().get('/admin/queues/login?signed_out').set('Accept', HTML).expect(200)).text).toContain('You are signed out.');
  });
});

describeInProcess('config', 'security: the queue dashboard cookie in production', () => {
  let t: TestApp;

  beforeAll(async () => {
    t = await createTestApp({
      label: 'secdashprod',
      env: { NODE_ENV: 'production', JWT_SECRET: 'a-production-secret-for-this-test-0123456789abcdef', ADMIN_PIN: '135791' },
    });
  });

  afterAll(async () => {
    await t?.close();
  });

  it('is Secure as well', async () => {
    const res = await t.http().post('/admin/queues/session').type('form').send({ phone_number: t.config.adminPhone, pin: t.config.adminPin }).expect(200);
    const setCookie = setCookieOf(res.headers);
    expect(setCookie).toMatch(/; Secure(;|$)/);
    expect(setCookie).toMatch(/; HttpOnly(;|$)/);
    expect(setCookie).toMatch(/; SameSite=Strict(;|$)/);
    expect(setCookie).toMatch(/; Path=\/admin\/queues(;|$)/);
  });
});

/**
 * What the request logger writes, captured: the app's root pino logger (the one pino-http logs every
 * request with) is pointed at an in-memory stream at level info.
 */
describeInProcess('internals', 'security: logs never hold tokens', () => {
  let t: TestApp;
  const lines: string[] = [];

  beforeAll(async () => {
    t = await createTestApp({ label: 'seclog' });
    const root = PinoLogger.root as unknown as Record<symbol, unknown> & { level: string };
    root[pino.symbols.streamSym] = { write: (line: string) => void lines.push(line) };
    root.level = 'info';
  });

  afterAll(async () => {
    await t?.close();
  });

  async function logsOf(send: () => Promise<unknown>): Promise<string> {
    const from = lines.length;
    await send();
    await sleep(100); // the request line is written when the response finishes
    return lines.slice(from).join('');
  }

  it('a token in the query string (?access_token=, refresh_token, token), the Authorization and Cookie headers and Set-Cookie never reach the log', async () => {
    const user = await newUser(t);
    const admin = await login(t, t.config.adminPhone, t.config.adminPin);
    const secrets = [user.accessToken, user.refreshToken, admin.accessToken, admin.refreshToken];
    const output = await logsOf(async () => {
      await t.http().get('/profile').query({ access_token: user.accessToken });
      await t.http().get('/profile').query({ refresh_token: user.refreshToken, token: admin.refreshToken, limit: '5' }).set(user.auth).expect(200);
      await t.http().get('/admin/queues').query({ access_token: admin.accessToken });
      await t.http().get(`/admin/queues/api/queues?Access_Token=${admin.accessToken}`);
      await t.http().get(`/health/live/${admin.accessToken}`).set('Cookie', `dompet_queues_session=${admin.accessToken}`).expect(404);
      await t.http().post('/refresh-token').send({ refresh_token: user.refreshToken }).expect(200);
      // The dashboard's sign-in answers with Set-Cookie carrying its credential.
      const signIn = await t.http().post('/admin/queues/session').type('form').send({ phone_number: t.config.adminPhone, pin: t.config.adminPin });
      const cookie = /dompet_queues_session=([^;]+)/.exec(String(signIn.headers['set-cookie'] ?? ''))?.[1];
      if (cookie) {
        secrets.push(cookie);
        await t.http().get('/admin/queues/api/queues').set('Cookie', `dompet_queues_session=${cookie}`);
      }
    });
    expect(output).toContain('"url":"/profile?access_token=[redacted]"');
    expect(output).toContain('refresh_token=[redacted]&token=[redacted]&limit=5');
    expect(output).toContain('/admin/queues/api/queues?Access_Token=[redacted]');
    expect(output).toContain('"url":"/health/live/[redacted]"');
    for (const secret of secrets) expect({ secretInLogs: output.includes(secret) }).toEqual({ secretInLogs: false });
  });

  it.each([
    ['/users?access_token=abc.def.ghi', '/users?access_token=[redacted]'],
    ['/x?id_token=1&refresh-token=2&api_key=3&pin=123456&q=ok', '/x?id_token=[redacted]&refresh-token=[redacted]&api_key=[redacted]&pin=[redacted]&q=ok'],
    ['/x?%61ccess_token=secret', '/x?%61ccess_token=[redacted]'],
    ['/transactions?limit=5&cursor=abc', '/transactions?limit=5&cursor=abc'],
    ['/plain', '/plain'],
  ])('redacts %s as %s', (url, expected) => {
    expect(redactUrl(url)).toBe(expected);
  });
});
