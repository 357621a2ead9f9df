import { execFileSync } from 'node:child_process';
import { itInProcess } from '../support/modes';
import { createTestApp, TestApp } from '../support/test-app';

const state = process.env.DOMPET_SERVICES_STATE;
function services(command: 'redis-stop' | 'redis-start') {
  if (!state) throw new Error('DOMPET_SERVICES_STATE is not set: run this suite through `npm test`, which owns the servers.');
  execFileSync('bash', ['scripts/services.sh', command, '--state', state!], { stdio: 'pipe', timeout: 30000 });
}
async function waitForStatus(t: TestApp, path: string, status: number, timeoutMs = 15000) {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const res = await t.http().get(path);
    if (res.status === status || Date.now() > deadline) return res;
    await new Promise((r) => setTimeout(r, 200));
  }
}

describe('foundation: a live service on real FerretDB and Redis', () => {
  let t: TestApp;

  beforeAll(async () => {
    t = await createTestApp({ label: 'foundation' });
  });

  afterAll(async () => {
    await t?.close();
  });

  it('answers liveness and readiness with both dependencies up', async () => {
    await t.http().get('/health/live').expect(200, { status: 'SUCCESS', result: { alive: true } });
    const ready = await t.http().get('/health/ready').expect(200);
    expect(ready.body).toEqual({ status: 'SUCCESS', result: { mongodb: 'up', redis: 'up' } });
  });

  it('echoes a request id, or makes one', async () => {
    const given = await t.http().get('/health/live').set('X-Request-Id', 'abc-123');
    expect(given.headers['x-request-id']).toBe('abc-123');
    const made = await t.http().get('/health/live');
    expect(made.headers['x-request-id']).toMatch(/^[0-9a-f-]{36}$/);
  });

  it('serves Swagger UI and the OpenAPI document with the Bearer scheme', async () => {
    const ui = await t.http().get('/docs').redirects(1).expect(200);
    expect(ui.text).toContain('swagger-ui');
    const doc = await t.http().get('/docs-json').expect(200);
    expect(doc.body.openapi).toMatch(/^3\./);
    expect(doc.body.components.securitySchemes.bearer).toMatchObject({ type: 'http', scheme: 'bearer' });
  });

  it('exposes Prometheus metrics', async () => {
    const res = await t.http().get('/metrics').expect(200);
    expect(res.text).toContain('process_cpu_user_seconds_total');
  });

  it('answers an unknown route with the error envelope', async () => {
    const res = await t.http().get('/no-such-route').expect(404);
    expect(res.body).toEqual({ message: 'Route GET /no-such-route not found', code: 'NOT_FOUND' });
  });

  it('answers malformed JSON and oversized bodies with 400, never a stack trace', async () => {
    const bad = await t.http().post('/login').set('Content-Type', 'application/json').send('{"phone_number": ');
    expect(bad.status).toBe(400);
    expect(bad.body).toEqual({ message: 'Malformed JSON body', code: 'MALFORMED_JSON' });
    const big = await t.http().post('/login').set('Content-Type', 'application/json').send(JSON.stringify({ x: 'y'.repeat(200_000) }));
    expect(big.status).toBe(400);
    expect(big.body.code).toBe('PAYLOAD_TOO_LARGE');
    expect(JSON.stringify(big.body)).not.toMatch(/at .*\.js|stack/i);
  });

  // Needs the servers started by `npm test` (scripts/test.sh exports DOMPET_SERVICES_STATE).
  itInProcess('redis', 'turns not ready (503) while Redis is down, and ready again when it is back', async () => {
    services('redis-stop');
    try {
      const down = await waitForStatus(t, '/health/ready', 503);
      expect(down.status).toBe(503);
      expect(down.body).toMatchObject({ code: 'NOT_READY', checks: { mongodb: 'up', redis: 'down' } });
      expect(down.body.message).toBe('Not ready: redis is down');
    } finally {
      services('redis-start');
    }
    const up = await waitForStatus(t, '/health/ready', 200);
    expect(up.status).toBe(200);
  });
});
