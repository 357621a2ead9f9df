import { Inject, Injectable, Logger } from '@nestjs/common';
import Redis from 'ioredis';
import { randomUUID } from 'node:crypto';
import { KeyedMutex } from '../../../common/util/keyed-mutex';
import { assertRedisReady, REDIS, RedisKeys } from '../../../infrastructure/redis.module';
import { UserBusyError } from '../domain/user.errors';

const LEASE_MS = 10_000;
const WAIT_MS = 3_000;
const POLL_MS = 25;

const RELEASE = "if redis.call('get', KEYS[1]) == ARGV[1] then return redis.call('del', KEYS[1]) else return 0 end";

/**
 * Serialises changes to one user document across every instance.
 *
 * FerretDB applies an update by reading the document, changing it in memory and writing the whole
 * document back, so two concurrent updates of one user (say a profile edit and a deactivation) could
 * silently undo each other. Every write to a user runs inside this lock (a Redis lease plus an
 * in-process queue). If Redis is unreachable the write still runs: MongoDB stays the source of
 * truth and the race needs two writers on one user in the same instant.
 */
@Injectable()
export class UserWriteLock {
  private readonly logger = new Logger(UserWriteLock.name);
  private readonly local = new KeyedMutex();

  constructor(
    @Inject(REDIS) private readonly redis: Redis,
    private readonly keys: RedisKeys,
  ) {}

  run<T>(userId: string, work: () => Promise<T>): Promise<T> {
    return this.local.run(userId, () => this.withLease(userId, work));
  }

  private async withLease<T>(userId: string, work: () => Promise<T>): Promise<T> {
    const key = this.keys.key('users', 'write-lock', userId);
    const token = randomUUID();
    let held = false;
    try {
      held = await this.acquire(key, token);
      if (!held) throw new UserBusyError();
    } catch (err) {
      if (err instanceof UserBusyError) throw err;
      this.logger.warn(`user write lock unavailable, writing without it: ${(err as Error).message}`);
    }
    try {
      return await work();
    } finally {
      if (held) await this.redis.eval(RELEASE, 1, key, token).catch(() => undefined);
    }
  }

  private async acquire(key: string, token: string): Promise<boolean> {
    assertRedisReady(this.redis);
    const deadline = Date.now() + WAIT_MS;
    for (;;) {
      if ((await this.redis.set(key, token, 'PX', LEASE_MS, 'NX')) === 'OK') return true;
      if (Date.now() >= deadline) return false;
      await new Promise((resolve) => setTimeout(resolve, POLL_MS));
    }
  }
}
