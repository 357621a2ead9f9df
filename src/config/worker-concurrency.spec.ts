import { AppConfig, ConfigError, workerConcurrency } from './app-config';

describe('workerConcurrency (the queue processors read it before any AppConfig exists)', () => {
  it('is TRANSFER_CONCURRENCY, validated like the typed config, 4 by default', () => {
    expect(workerConcurrency({})).toBe(4);
    expect(workerConcurrency({ TRANSFER_CONCURRENCY: '7' })).toBe(7);
    expect(workerConcurrency({ TRANSFER_CONCURRENCY: '7' })).toBe(AppConfig.fromEnv({ MONGODB_URI: 'mongodb://h/', REDIS_URL: 'redis://h', TRANSFER_CONCURRENCY: '7' }).transferConcurrency);
  });

  it('refuses what the typed config refuses instead of running with NaN', () => {
    for (const bad of ['x', '0', '65', '1.5']) expect(() => workerConcurrency({ TRANSFER_CONCURRENCY: bad })).toThrow(ConfigError);
  });
});

describe('AppConfig.forRole', () => {
  it('sets the role whatever APP_ROLE says', () => {
    expect(AppConfig.forRole('worker', { MONGODB_URI: 'mongodb://h/', REDIS_URL: 'redis://h', APP_ROLE: 'api' }).role).toBe('worker');
  });
});
