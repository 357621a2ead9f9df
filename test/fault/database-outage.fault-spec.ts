import { verifyLedger } from '../../src/modules/reconciliation';
import { waitUntil } from './support/checks';
import { Account, createAccount, Reply } from './support/client';
import { ServiceCluster, ServiceProcess } from './support/cluster';
import { services } from './support/services';

const TOP_UP = 100_000;
/** Readiness must tell within this long that the database is gone (its own ping timeout is 1.5 s). */
const READY_WITHIN_MS = 3000;
/** Any request must be answered within this long while the database is frozen (the driver's socket timeout is 10 s). */
const ANSWER_WITHIN_MS = 20_000;

const note = (line: string) => process.stdout.write(`[fault:database-outage] ${line}\n`);

/** One HTTP call that gives up (throws) after `timeoutMs` instead of waiting for ever; reports how long it took. */
async function timedCall(baseUrl: string, method: string, path: string, options: { token?: string; body?: unknown } = {}, timeoutMs = ANSWER_WITHIN_MS): Promise<Reply & { ms: number }> {
  const started = Date.now();
  const headers: Record<string, string> = {};
  if (options.token) headers.Authorization = `Bearer ${options.token}`;
  if (options.body !== undefined) headers['Content-Type'] = 'application/json';
  const res = await fetch(`${baseUrl}${path}`, {
    method,
    headers,
    body: options.body === undefined ? undefined : JSON.stringify(options.body),
    signal: AbortSignal.timeout(timeoutMs),
  });
  const text = await res.text();
  let body: unknown = text;
  try {
    body = JSON.parse(text);
  } catch {
    // not JSON: keep the text
  }
  return { status: res.status, body, ms: Date.now() - started };
}

describe('fault: the database goes away (PostgreSQL behind FerretDB stopped, FerretDB frozen) and comes back', () => {
  const [backendStop, backendStart] = ['pg-stop', 'pg-start'] as const;
  let cluster: ServiceCluster;
  let api: ServiceProcess;
  let payer: Account;
  let payee: Account;
  let backendDown = false;
  let paused = false;

  const base = () => api.baseUrl!;
  const ready = () => timedCall(base(), 'GET', '/health/ready');
  const balance = async (a: Account) => {
    const r = await timedCall(base(), 'GET', '/profile', { token: a.token });
    if (r.status !== 200) throw new Error(`GET /profile answered ${r.status}: ${JSON.stringify(r.body)}`);
    return r.body.result.balance as number;
  };
  /**
   * Back after an outage: readiness 200, then a real read 200. Right after PostgreSQL restarts, FerretDB may
   * still hold pooled backend connections the shutdown killed; a request meeting one is a 503 (retry), never a 500.
   */
  const waitAnswering = async (a: Account) => {
    await waitUntil('readiness 200 again', async () => (await ready()).status === 200, 45_000, 250);
    await waitUntil(
      'GET /profile 200 again',
      async () => {
        const r = await timedCall(base(), 'GET', '/profile', { token: a.token });
        if (r.status !== 200 && r.status !== 503) throw new Error(`GET /profile answered ${r.status} after the outage: ${JSON.stringify(r.body)}`);
        return r.status === 200;
      },
      30_000,
      100,
    );
  };

  /** The requests of the outage: every one must be a 503 with the dependency code, none a 500. */
  const outageRequests = (a: Account, pin: string, b: Account) => [
    ['POST /topup', () => timedCall(base(), 'POST', '/topup', { token: a.token, body: { amount: 1000 } })],
    ['POST /pay', () => timedCall(base(), 'POST', '/pay', { token: a.token, body: { amount: 1000, remarks: 'outage' } })],
    ['POST /transfer', () => timedCall(base(), 'POST', '/transfer', { token: a.token, body: { target_user: b.userId, amount: 1000, remarks: 'outage' } })],
    ['GET /profile', () => timedCall(base(), 'GET', '/profile', { token: a.token })],
    ['POST /login', () => timedCall(base(), 'POST', '/login', { body: { phone_number: a.phone, pin } })],
  ] as const;

  beforeAll(async () => {
    cluster = await ServiceCluster.create('faultdbdown', { ACCESS_TOKEN_TTL_SECONDS: '3600' });
    api = await cluster.startApi('api');
    [payer, payee] = await Promise.all([createAccount(base(), TOP_UP, 'Payer'), createAccount(base(), 0, 'Payee')]);
  }, 120_000);

  // After each test, whatever happened in it: the shared servers run again as we found them (other test
  // files of this jest process use them next), and the next test starts from a ready service.
  afterEach(async () => {
    if (paused) await services('ferretdb-resume').catch((err) => note(String(err)));
    paused = false;
    if (backendDown) await services(backendStart).catch((err) => note(String(err)));
    backendDown = false;
    if (api?.alive && payer) await waitAnswering(payer).catch((err) => note(String(err)));
  }, 120_000);

  afterAll(async () => {
    await cluster?.destroy();
  }, 60_000);

  it(`PostgreSQL stopped: money routes, profile and login answer 503 (never 500), readiness 503 at once; all well after the restart`, async () => {
    // An account whose PIN this test knows (for POST /login).
    const pin = '135790';
    const phone = `089${String(Date.now()).slice(-9)}`;
    const reg = await timedCall(base(), 'POST', '/register', { body: { first_name: 'Outage', last_name: 'Test', phone_number: phone, address: 'Jl. Sudirman 1', pin } });
    expect(reg.status).toBe(201);
    const login = await timedCall(base(), 'POST', '/login', { body: { phone_number: phone, pin } });
    expect(login.status).toBe(200);
    const user: Account = { userId: reg.body.result.user_id, phone, token: login.body.result.access_token };
    expect((await timedCall(base(), 'POST', '/topup', { token: user.token, body: { amount: TOP_UP } })).status).toBe(201);
    const before = { user: await balance(user), payee: await balance(payee) };

    await services(backendStop);
    backendDown = true;
    // Several rounds: the first requests meet FerretDB's pooled backend connections as they die, later ones a refused connect.
    const seen: string[] = [];
    for (let round = 0; round < 3; round++) {
      for (const [what, request] of outageRequests(user, pin, payee)) {
        const r = await request();
        seen.push(`${what} ${r.status} ${r.ms} ms`);
        expect({ what, status: r.status, body: r.body }).toEqual({ what, status: 503, body: { message: expect.stringMatching(/unavailable/i), code: 'SERVICE_UNAVAILABLE' } });
      }
    }
    note(`while down: ${seen.slice(0, 5).join(', ')}`);
    const down = await ready();
    note(`readiness while down: ${down.status} in ${down.ms} ms ${JSON.stringify(down.body)}`);
    expect(down.status).toBe(503);
    expect(down.ms).toBeLessThan(READY_WITHIN_MS);
    expect(down.body).toMatchObject({ code: 'NOT_READY', checks: { mongodb: 'down', redis: 'up' } });

    await services(backendStart);
    backendDown = false;
    const t0 = Date.now();
    await waitAnswering(user);
    note(`answering again ${Date.now() - t0} ms after the restart`);
    // Nothing moved while it was down, and everything answers again.
    expect({ user: await balance(user), payee: await balance(payee) }).toEqual(before);
    expect((await timedCall(base(), 'POST', '/login', { body: { phone_number: phone, pin } })).status).toBe(200);
    expect((await timedCall(base(), 'POST', '/pay', { token: user.token, body: { amount: 500, remarks: 'after' } })).status).toBe(201);
    expect(await balance(user)).toBe(before.user - 500);
    const report = await verifyLedger(cluster.db);
    expect(report.problems).toEqual([]);
  }, 90_000);

  it('FerretDB frozen (SIGSTOP): readiness 503 within 3 s, a request is answered (503) instead of hanging; all well once it runs again', async () => {
    const before = await balance(payer);
    await services('ferretdb-pause');
    paused = true;
    const down = await ready();
    note(`readiness while frozen: ${down.status} in ${down.ms} ms ${JSON.stringify(down.body)}`);
    expect(down.status).toBe(503);
    expect(down.ms).toBeLessThan(READY_WITHIN_MS);
    expect(down.body).toMatchObject({ code: 'NOT_READY', checks: { mongodb: 'down', redis: 'up' } });
    // A read (no write: a write cut off by a timeout may still land) is bounded by the driver's timeouts.
    const profile = await timedCall(base(), 'GET', '/profile', { token: payer.token });
    note(`GET /profile while frozen: ${profile.status} in ${profile.ms} ms`);
    expect({ status: profile.status, body: profile.body }).toEqual({ status: 503, body: { message: expect.any(String), code: 'SERVICE_UNAVAILABLE' } });

    await services('ferretdb-resume');
    paused = false;
    const t0 = Date.now();
    await waitAnswering(payer);
    note(`answering again ${Date.now() - t0} ms after SIGCONT`);
    expect(await balance(payer)).toBe(before);
    expect((await timedCall(base(), 'POST', '/topup', { token: payer.token, body: { amount: 700 } })).status).toBe(201);
    expect(await balance(payer)).toBe(before + 700);
    const report = await verifyLedger(cluster.db);
    expect(report.problems).toEqual([]);
    expect(api.alive).toBe(true);
  }, 90_000);
});
