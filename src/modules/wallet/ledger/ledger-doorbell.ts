import { Inject, Injectable } from '@nestjs/common';
import Redis from 'ioredis';
import { REDIS, RedisKeys } from '../../../infrastructure/redis.module';

/**
 * Rings after every ledger insert: publishes the wallet id on one Redis channel, so the processes
 * serving `GET /events` read that wallet at once instead of at their next periodic re-read. Only a
 * hint: fire and forget, skipped while Redis is not connected (the periodic re-read catches up).
 */
@Injectable()
export class LedgerDoorbell {
  readonly channel: string;

  constructor(
    @Inject(REDIS) private readonly redis: Redis,
    keys: RedisKeys,
  ) {
    this.channel = keys.key('events', 'doorbell');
  }

  ring(walletId: string): void {
    if (this.redis.status !== 'ready') return;
    this.redis.publish(this.channel, walletId).catch(() => undefined);
  }
}
