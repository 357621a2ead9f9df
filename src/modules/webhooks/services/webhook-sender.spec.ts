import { createServer, IncomingMessage, Server, ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { AppConfig } from '../../../config/app-config';
import { verifySignature } from '../domain/webhook-signature';
import { WebhookSender } from './webhook-sender';
import { WebhookTargetGuard } from './webhook-target-guard';

const base = { MONGODB_URI: 'mongodb://127.0.0.1:27017/', REDIS_URL: 'redis://127.0.0.1:6379', WEBHOOK_TIMEOUT_MS: '300', WEBHOOK_MAX_RESPONSE_BYTES: '1024' };
const senderFor = (env: Record<string, string>) => {
  const config = AppConfig.fromEnv({ ...base, ...env });
  return new WebhookSender(config, new WebhookTargetGuard(config));
};
const delivery = { deliveryId: 'w:u:000000000001', eventId: 'u:000000000001', eventType: 'topup.succeeded', body: '{"id":1,"event_id":"u:000000000001"}' };

describe('WebhookSender (a real local server)', () => {
  let server: Server;
  let port: number;
  const seen: Array<{ headers: IncomingMessage['headers']; body: string; path: string }> = [];

  beforeAll(async () => {
    server = createServer((req: IncomingMessage, res: ServerResponse) => {
      let body = '';
      req.on('data', (c: Buffer) => (body += c.toString()));
      req.on('end', () => {
        seen.push({ headers: req.headers, body, path: req.url ?? '' });
        if (req.url === '/redirect') return void res.writeHead(302, { Location: '/ok' }).end();
        if (req.url === '/silent') return; // never answers
        if (req.url === '/huge') {
          res.writeHead(200);
          const chunk = Buffer.alloc(64 * 1024, 'x');
          const pump = () => {
            while (res.write(chunk));
          };
          res.on('drain', pump);
          pump();
          return;
        }
        res.writeHead(req.url === '/fail' ? 500 : 200).end('ok');
      });
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    port = (server.address() as AddressInfo).port;
  });

  afterAll(async () => {
    server.closeAllConnections();
    await new Promise((resolve) => server.close(resolve));
  });

  beforeEach(() => (seen.length = 0));

  it('POSTs the body with a verifiable signature and the event id header; a 2xx is a success, a 500 is not', async () => {
    const sender = senderFor({ NODE_ENV: 'test' });
    const ok = await sender.send(`http://127.0.0.1:${port}/ok`, 'whsec_s', delivery);
    expect(ok).toMatchObject({ ok: true, statusCode: 200, error: null });
    expect(seen[0].body).toBe(delivery.body);
    expect(seen[0].headers['dompet-event-id']).toBe(delivery.eventId);
    expect(seen[0].headers['content-type']).toBe('application/json');
    expect(verifySignature('whsec_s', String(seen[0].headers['dompet-signature']), seen[0].body)).toBe(true);
    expect(await sender.send(`http://127.0.0.1:${port}/fail`, 'whsec_s', delivery)).toMatchObject({ ok: false, statusCode: 500 });
  });

  it('does not follow a redirect, gives up at the timeout, and stops reading a large answer', async () => {
    const sender = senderFor({ NODE_ENV: 'test' });
    expect(await sender.send(`http://127.0.0.1:${port}/redirect`, 'whsec_s', delivery)).toMatchObject({ ok: false, statusCode: 302 });
    expect(seen.map((s) => s.path)).toEqual(['/redirect']);
    const silent = await sender.send(`http://127.0.0.1:${port}/silent`, 'whsec_s', delivery);
    expect(silent).toMatchObject({ ok: false, statusCode: null, error: 'timeout after 300 ms' });
    expect(silent.latencyMs).toBeLessThan(2000);
    const huge = await sender.send(`http://127.0.0.1:${port}/huge`, 'whsec_s', delivery);
    expect(huge).toMatchObject({ ok: true, statusCode: 200 });
    expect(huge.latencyMs).toBeLessThan(300);
  });

  it('in production, refuses a loopback address literal and a name resolving to one, without connecting', async () => {
    const sender = senderFor({ NODE_ENV: 'production', JWT_SECRET: 'x'.repeat(40), ADMIN_PIN: '135790' });
    expect(await sender.send(`http://127.0.0.1:${port}/ok`, 'whsec_s', delivery)).toMatchObject({ ok: false, statusCode: null, error: expect.stringMatching(/^refused: 127\.0\.0\.1/) });
    expect(await sender.send(`http://localhost:${port}/ok`, 'whsec_s', delivery)).toMatchObject({ ok: false, statusCode: null, error: expect.stringMatching(/^refused: localhost resolves to/) });
    expect(await sender.send(`http://[::ffff:127.0.0.1]:${port}/ok`, 'whsec_s', delivery)).toMatchObject({ ok: false, error: expect.stringMatching(/^refused/) });
    expect(seen).toHaveLength(0);
  });
});
