import type { CommandBus } from '@nestjs/cqrs';
import type { LedgerDoorbell } from '../../../infrastructure/ledger-doorbell';
import type { WebhooksRepository } from '../persistence/webhooks.repository';
import type { AppConfig } from '../../../config/app-config';
import type { PeriodicJobs } from '../../../infrastructure/periodic-jobs';
import { WebhookDispatcher } from './webhook-dispatcher.service';

const flush = async () => {
  for (let i = 0; i < 5; i++) await Promise.resolve();
};

describe('WebhookDispatcher', () => {
  beforeEach(() => jest.useFakeTimers());
  afterEach(() => jest.useRealTimers());

  function dispatcher(endpoints: { exist: boolean }) {
    const dispatched: string[] = [];
    const commands = {
      execute: async (c: { walletId: string }) => {
        if (!endpoints.exist) return null;
        dispatched.push(c.walletId);
        return 0;
      },
    } as unknown as CommandBus;
    const repo = { anyEndpoint: async () => endpoints.exist } as unknown as WebhooksRepository;
    const d = new WebhookDispatcher(commands, {} as LedgerDoorbell, repo, {} as PeriodicJobs, {} as AppConfig);
    return { d, dispatched };
  }

  it('holds rings while no endpoint exists, without reading anything, and dispatches them if one appears', async () => {
    const endpoints = { exist: false };
    const { d, dispatched } = dispatcher(endpoints);
    d.ring('w1');
    await flush();
    d.ring('w2');
    d.ring('w1');
    await flush();
    expect(dispatched).toEqual([]);
    endpoints.exist = true;
    jest.advanceTimersByTime(2_000);
    await flush();
    expect(dispatched.sort()).toEqual(['w1', 'w2']);
  });

  it('drops the held rings when still no endpoint exists at the recheck', async () => {
    const endpoints = { exist: false };
    const { d, dispatched } = dispatcher(endpoints);
    d.ring('w1');
    await flush();
    jest.advanceTimersByTime(2_000);
    await flush();
    endpoints.exist = true;
    jest.advanceTimersByTime(10_000);
    await flush();
    expect(dispatched).toEqual([]);
    d.ring('w3');
    await flush();
    expect(dispatched).toEqual(['w3']);
  });
});
