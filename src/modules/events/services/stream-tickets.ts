import { Inject, Injectable } from '@nestjs/common';
import { createHash } from 'node:crypto';
import Redis from 'ioredis';
import { DependencyUnavailableError } from '../../../common/errors';
import { REDIS, RedisKeys } from '../../../infrastructure/redis.module';
import type { StreamCredential } from './stream-credential';

export const TICKET_TTL_SECONDS = 30;

/**
 * Single-use stream tickets in Redis: stored under the SHA-256 of the ticket (the ticket itself is
 * never stored), expiring after 30 s, and claimed with GET and DEL in one MULTI, so two requests
 * racing with one ticket cannot both get it.
 */
@Injectable()
export class StreamTickets {
  constructor(
    @Inject(REDIS) private readonly redis: Redis,
    private readonly keys: RedisKeys,
  ) {}

  private keyOf(ticket: string): string {
    return this.keys.key('events', 'ticket', createHash('sha256').update(ticket).digest('hex'));
  }

  async store(ticket: string, credential: StreamCredential): Promise<void> {
    try {
      await this.redis.set(this.keyOf(ticket), JSON.stringify(credential), 'EX', TICKET_TTL_SECONDS);
    } catch {
      throw new DependencyUnavailableError('redis');
    }
  }

  /** The credential of the ticket, once; null for an unknown, expired or already used ticket. */
  async claim(ticket: string): Promise<StreamCredential | null> {
    if (!/^[A-Za-z0-9_-]{20,100}$/.test(ticket)) return null;
    let result: [Error | null, unknown][] | null;
    try {
      result = await this.redis.multi().get(this.keyOf(ticket)).del(this.keyOf(ticket)).exec();
    } catch {
      throw new DependencyUnavailableError('redis');
    }
    const raw = result?.[0]?.[1];
    return typeof raw === 'string' ? (JSON.parse(raw) as StreamCredential) : null;
  }
}
