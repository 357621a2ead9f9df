import { Global, Inject, Injectable, Logger, Module, OnApplicationShutdown } from '@nestjs/common';
import Redis from 'ioredis';
import { AppConfig } from '../config/app-config';

import { CacheRepairs } from './cache-repairs';
import { REDIS, THROTTLER_REDIS } from './redis.constants';

export { REDIS, THROTTLER_REDIS };

/** Builds keys under the configured prefix so several deployments (or test runs) can share one Redis. */
@Injectable()
export class RedisKeys {
  constructor(private readonly config: AppConfig) {}

  key(...parts: string[]): string {
    return [this.config.redisPrefix, ...parts].join(':');
  }
}

@Injectable()
class RedisCloser implements OnApplicationShutdown {
  constructor(
    @Inject(REDIS) private readonly redis: Redis,
    @Inject(THROTTLER_REDIS) private readonly throttlerRedis: Redis,
  ) {}

  async onApplicationShutdown(): Promise<void> {
    await Promise.all([this.redis, this.throttlerRedis].map((client) => client.quit().catch(() => client.disconnect())));
  }
}

@Global()
@Module({
  providers: [
    {
      provide: REDIS,
      inject: [AppConfig],
      useFactory: (config: AppConfig) => {
        const logger = new Logger('Redis');
        const client = new Redis(config.redisUrl, {
          maxRetriesPerRequest: 1,
          connectTimeout: 2000,
          enableOfflineQueue: true,
          retryStrategy: (times) => Math.min(times * 200, 2000),
        });
        client.on('error', (err) => logger.warn(`redis: ${err.message}`));
        return client;
      },
    },
    {
      provide: THROTTLER_REDIS,
      inject: [REDIS, AppConfig],
      // The stock throttler storage writes `<client keyPrefix>{key}:hits`, so the prefix goes on the client.
      useFactory: (redis: Redis, config: AppConfig) => {
        const logger = new Logger('Redis');
        const client = redis.duplicate({ keyPrefix: `${config.redisPrefix}:throttle:` });
        client.on('error', (err) => logger.warn(`redis (throttler): ${err.message}`));
        return client;
      },
    },
    RedisKeys,
    RedisCloser,
    CacheRepairs,
  ],
  exports: [REDIS, THROTTLER_REDIS, RedisKeys, CacheRepairs],
})
export class RedisModule {}

/**
 * Throws at once unless the client is connected. For best-effort writes (caches, leases) that must not
 * wait out ioredis's reconnection attempts while Redis is down: the caller's fallback runs instead.
 */
export function assertRedisReady(redis: Redis): void {
  if (redis.status !== 'ready') throw new Error(`Redis is not connected (${redis.status})`);
}
