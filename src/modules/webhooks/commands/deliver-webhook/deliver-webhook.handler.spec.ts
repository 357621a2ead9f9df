import type { Counter } from 'prom-client';
import type { WebhooksRepository } from '../../persistence/webhooks.repository';
import type { WebhookSender } from '../../services/webhook-sender';
import { DeliverWebhookCommand, deliveryOrderKey } from './deliver-webhook.command';
import { DeliverWebhookHandler } from './deliver-webhook.handler';

const ENDPOINT = { _id: 'wh-1', url: 'http://127.0.0.1:9/hook', secret: 'whsec_x' };

/** Two deliveries of one user's events to one endpoint; reading the first one's delivery is slow. */
function setup() {
  const sent: string[] = [];
  const deliveries = new Map(
    ['wh-1:e1', 'wh-1:e2'].map((id) => [id, { _id: id, endpoint_id: 'wh-1', user_id: 'u1', event_id: id.slice(5), event_type: 'topup.succeeded', body: '{}', status: 'PENDING', last_status_code: null }]),
  );
  const repo = {
    findDelivery: async (id: string) => {
      if (id === 'wh-1:e1') await new Promise((r) => setTimeout(r, 30));
      return deliveries.get(id) ?? null;
    },
    findEndpoint: async () => ENDPOINT,
    setDeliveryState: async () => undefined,
    insertAttempt: async () => undefined,
  } as unknown as WebhooksRepository;
  const sender = {
    send: async (_url: string, _secret: string, d: { deliveryId: string }) => {
      sent.push(d.deliveryId);
      return { ok: true, statusCode: 200, latencyMs: 1, error: null };
    },
  } as unknown as WebhookSender;
  const handler = new DeliverWebhookHandler(repo, sender, { inc: () => undefined } as unknown as Counter<string>);
  return { handler, sent };
}

describe('DeliverWebhookHandler', () => {
  it("sends one user's events to one endpoint in the order their jobs started, even when a later job reads its delivery first", async () => {
    const { handler, sent } = setup();
    const key = deliveryOrderKey('wh-1', 'u1');
    await Promise.all([
      handler.execute(new DeliverWebhookCommand('wh-1:e1', 1, false, false, key)),
      handler.execute(new DeliverWebhookCommand('wh-1:e2', 1, false, false, key)),
    ]);
    expect(sent).toEqual(['wh-1:e1', 'wh-1:e2']);
  });
});
