import type { Queue } from 'bull';
import type { AppConfig } from '../../../config/app-config';
import { WebhookQueue } from './webhook-queue';

describe('WebhookQueue.removeLegacyCatchUpSchedule', () => {
  it('removes the catch-up schedule an earlier version left on the webhooks queue, and nothing else', async () => {
    const removed: string[] = [];
    const queue = {
      name: 'webhooks',
      getRepeatableJobs: async () => [
        { name: 'catch-up', key: 'catch-up:webhook-catch-up:::300000', every: '300000' },
        { name: 'deliver', key: 'deliver:x:::1000', every: '1000' },
      ],
      removeRepeatableByKey: async (key: string) => {
        removed.push(key);
      },
    } as unknown as Queue;
    await new WebhookQueue(queue, { enqueueTimeoutMs: 1000 } as AppConfig).removeLegacyCatchUpSchedule();
    expect(removed).toEqual(['catch-up:webhook-catch-up:::300000']);
  });
});
