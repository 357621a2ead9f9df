import type { Queue } from 'bull';
import { PeriodicJobs } from './periodic-jobs';

type Handler = () => Promise<unknown>;

function fakeQueue(repeatable: Array<{ key: string; name: string; every: number }> = []) {
  const handlers = new Map<string, { concurrency: number; handler: Handler }>();
  const queue = {
    process: jest.fn((name: string, concurrency: number, handler: Handler) => {
      handlers.set(name, { concurrency, handler });
      return new Promise(() => undefined);
    }),
    add: jest.fn(async () => ({})),
    getRepeatableJobs: jest.fn(async () => repeatable),
    removeRepeatableByKey: jest.fn(async () => undefined),
  };
  return { queue, handlers, jobs: new PeriodicJobs(queue as unknown as Queue) };
}

const flush = async () => {
  for (let i = 0; i < 10; i++) await Promise.resolve();
};

describe('PeriodicJobs', () => {
  afterEach(() => jest.useRealTimers());

  it('neither handles nor schedules anything when no job is registered (APP_ROLE=api)', async () => {
    const { queue, jobs } = fakeQueue();
    jobs.onApplicationBootstrap();
    await flush();
    expect(queue.process).not.toHaveBeenCalled();
    expect(queue.add).not.toHaveBeenCalled();
  });

  it('handles each job one at a time and schedules it under a fixed job id at its interval', async () => {
    const { queue, handlers, jobs } = fakeQueue();
    const sweep = jest.fn(async () => undefined);
    jobs.register({ name: 'sweep', every: 1000, run: sweep });
    jobs.register({ name: 'purge', every: 3_600_000, run: async () => undefined });
    jobs.onApplicationBootstrap();
    await flush();
    jobs.onModuleDestroy();
    expect([...handlers.keys()]).toEqual(['sweep', 'purge']);
    expect(handlers.get('sweep')!.concurrency).toBe(1);
    expect(queue.add).toHaveBeenCalledWith('sweep', {}, expect.objectContaining({ repeat: { every: 1000 }, jobId: 'sweep' }));
    expect(queue.add).toHaveBeenCalledWith('purge', {}, expect.objectContaining({ repeat: { every: 3_600_000 }, jobId: 'purge' }));
    await handlers.get('sweep')!.handler();
    expect(sweep).toHaveBeenCalledTimes(1);
  });

  it('refuses a name registered twice', () => {
    const { jobs } = fakeQueue();
    jobs.register({ name: 'sweep', every: 1000, run: async () => undefined });
    expect(() => jobs.register({ name: 'sweep', every: 1000, run: async () => undefined })).toThrow(/twice/);
  });

  it('removes a schedule of a registered name at another interval, and leaves others alone', async () => {
    const { queue, jobs } = fakeQueue([
      { key: 'sweep:sweep:::15000', name: 'sweep', every: 15000 },
      { key: 'sweep:sweep:::1000', name: 'sweep', every: 1000 },
      { key: 'other:other:::5000', name: 'other', every: 5000 },
    ]);
    jobs.register({ name: 'sweep', every: 1000, run: async () => undefined });
    await jobs.schedule();
    expect(queue.removeRepeatableByKey.mock.calls).toEqual([['sweep:sweep:::15000']]);
  });

  it('adds the schedules again at the shortest interval, so they come back after Redis lost them', async () => {
    jest.useFakeTimers();
    const { queue, jobs } = fakeQueue();
    jobs.register({ name: 'sweep', every: 2000, run: async () => undefined });
    jobs.register({ name: 'purge', every: 3_600_000, run: async () => undefined });
    jobs.onApplicationBootstrap();
    await flush();
    expect(queue.add).toHaveBeenCalledTimes(2);
    jest.advanceTimersByTime(2000);
    await flush();
    expect(queue.add).toHaveBeenCalledTimes(4);
    jobs.onModuleDestroy();
    jest.advanceTimersByTime(10_000);
    await flush();
    expect(queue.add).toHaveBeenCalledTimes(4);
  });

  it('skips a tick while the previous run is still at work in this process, and fails the job when the run fails', async () => {
    const { handlers, jobs } = fakeQueue();
    let finish!: () => void;
    const run = jest
      .fn<Promise<unknown>, []>()
      .mockImplementationOnce(() => new Promise<void>((resolve) => (finish = resolve)))
      .mockRejectedValueOnce(new Error('database down'));
    jobs.register({ name: 'sweep', every: 1000, run });
    jobs.onApplicationBootstrap();
    jobs.onModuleDestroy();
    const { handler } = handlers.get('sweep')!;
    const first = handler();
    await handler();
    expect(run).toHaveBeenCalledTimes(1);
    finish();
    await first;
    await expect(handler()).rejects.toThrow('database down');
    expect(run).toHaveBeenCalledTimes(2);
  });

  it('keeps going when Redis refuses the schedule', async () => {
    const { queue, jobs } = fakeQueue();
    queue.getRepeatableJobs.mockRejectedValueOnce(new Error('Connection is closed'));
    jobs.register({ name: 'sweep', every: 1000, run: async () => undefined });
    await expect(jobs.schedule()).resolves.toBeUndefined();
    await jobs.schedule();
    expect(queue.add).toHaveBeenCalledTimes(1);
  });
});
