import type Redis from 'ioredis';
import type { AppConfig } from '../../../config/app-config';
import type { CacheRepairs } from '../../../infrastructure/cache-repairs';
import { RedisKeys } from '../../../infrastructure/redis.module';
import { UserAuthStateCache } from './user-auth-state.cache';

const config = { redisPrefix: 'unit', sessionCacheSeconds: 60 } as AppConfig;

function setup(stored: Record<string, string>, fail = false) {
  const redis = {
    mget: jest.fn(async (...keys: string[]) => {
      if (fail) throw new Error('connection lost');
      return keys.map((k) => stored[k] ?? null);
    }),
  };
  const repairs = { trusted: () => true } as unknown as CacheRepairs;
  const cache = new UserAuthStateCache(redis as unknown as Redis, new RedisKeys(config), config, repairs);
  return { cache, redis };
}

describe('UserAuthStateCache.readStates', () => {
  it('reads the users asked for in one turn of the event loop in one MGET, each caller getting its own', async () => {
    const { cache, redis } = setup({ 'unit:users:auth-state:a': 'ACTIVE|1|USER|0', 'unit:users:auth-state:b': 'DEACTIVATED|3|USER|1', 'unit:users:auth-state:c': 'ACTIVE|2|USER' });
    const [first, second, third] = await Promise.all([cache.readStates(['a', 'b']), cache.readStates(['b']), cache.readStates(['c', 'd'])]);
    expect(redis.mget).toHaveBeenCalledTimes(1);
    expect(redis.mget).toHaveBeenCalledWith('unit:users:auth-state:a', 'unit:users:auth-state:b', 'unit:users:auth-state:c', 'unit:users:auth-state:d');
    expect(first).toEqual(new Map([['a', { status: 'ACTIVE', tokenVersion: 1, role: 'USER', walletFrozen: false }], ['b', { status: 'DEACTIVATED', tokenVersion: 3, role: 'USER', walletFrozen: true }]]));
    expect(second).toEqual(new Map([['b', { status: 'DEACTIVATED', tokenVersion: 3, role: 'USER', walletFrozen: true }]]));
    // A copy without the wallet flag is not used; a missing one is missing.
    expect(third).toEqual(new Map());
    // A later turn reads again.
    await cache.readStates(['a']);
    expect(redis.mget).toHaveBeenCalledTimes(2);
  });

  it('answers every caller of the turn with nothing when Redis fails (they read MongoDB instead)', async () => {
    const { cache, redis } = setup({}, true);
    await expect(Promise.all([cache.readStates(['a']), cache.readStates(['b'])])).resolves.toEqual([new Map(), new Map()]);
    expect(redis.mget).toHaveBeenCalledTimes(1);
  });
});
