import { ExecutionContext, Inject, Injectable } from '@nestjs/common';
import { ThrottlerGuard } from '@nestjs/throttler';
import { createHash } from 'node:crypto';
import { RedisKeys } from '../../../infrastructure/redis.module';

/**
 * The per-client-address rate limit of the auth routes (`THROTTLE_LIMIT` per `THROTTLE_TTL_SECONDS`,
 * counted per route in Redis so every instance shares it). Unlike the stock guard, its keys live under
 * `REDIS_PREFIX`, so deployments (and test runs) sharing one Redis never count each other's requests.
 */
@Injectable()
export class AuthThrottlerGuard extends ThrottlerGuard {
  @Inject(RedisKeys) private readonly keys!: RedisKeys;

  protected override generateKey(context: ExecutionContext, tracker: string, throttlerName: string): string {
    const route = `${context.getClass().name}-${context.getHandler().name}-${throttlerName}-${tracker}`;
    return this.keys.key('throttle', createHash('sha256').update(route).digest('hex'));
  }
}
