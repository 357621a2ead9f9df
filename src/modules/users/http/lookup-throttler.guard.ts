import { ExecutionContext, HttpStatus, Injectable } from '@nestjs/common';
import { Reflector } from '@nestjs/core';
import {
  InjectThrottlerOptions,
  InjectThrottlerStorage,
  ThrottlerGuard,
  ThrottlerLimitDetail,
  ThrottlerModuleOptions,
  ThrottlerStorage,
} from '@nestjs/throttler';
import type { Request } from 'express';
import type { AuthUser } from '../../../common/decorators/auth.decorators';
import { DomainError } from '../../../common/errors';
import { AppConfig } from '../../../config/app-config';

const MINUTE_MS = 60_000;
const DAY_MS = 24 * 3600_000;

/** 429 in the SPEC envelope, with `retry_after_seconds` (the exception filter also sets `Retry-After`). */
export class LookupRateLimitedError extends DomainError {
  constructor(retryAfterSeconds: number) {
    const seconds = Math.max(1, Math.ceil(retryAfterSeconds));
    super('RATE_LIMITED', `Too many phone number look-ups. Try again in ${seconds} second${seconds === 1 ? '' : 's'}.`, HttpStatus.TOO_MANY_REQUESTS, {
      retry_after_seconds: seconds,
    });
  }
}

/**
 * Rate limits of `GET /users/lookup`, so that registered phone numbers cannot be enumerated: per
 * signed-in user per minute and per day (`LOOKUP_USER_LIMIT_PER_MINUTE`, `LOOKUP_USER_LIMIT_PER_DAY`),
 * and per client address per minute (`LOOKUP_ADDRESS_LIMIT_PER_MINUTE`, against many accounts on one
 * address). Its own limits, independent of `THROTTLE_LIMIT`; the counters share the throttler's Redis
 * storage (under `REDIS_PREFIX`), so every API instance counts together.
 *
 * Runs after the global access-token guard, so `request.user` is known.
 */
@Injectable()
export class LookupThrottlerGuard extends ThrottlerGuard {
  constructor(
    @InjectThrottlerOptions() options: ThrottlerModuleOptions,
    @InjectThrottlerStorage() storage: ThrottlerStorage,
    reflector: Reflector,
    private readonly config: AppConfig,
  ) {
    super(options, storage, reflector);
  }

  override async onModuleInit(): Promise<void> {
    await super.onModuleInit();
    const byUser = async (req: Record<string, unknown>) => `user:${(req as { user?: AuthUser }).user?.userId ?? 'anonymous'}`;
    const byAddress = async (req: Record<string, unknown>) => `ip:${(req as unknown as Request).ip ?? 'unknown'}`;
    // Shortest window first: a request refused by a minute limit does not use up the daily allowance.
    this.throttlers = [
      { name: 'lookup-user-minute', ttl: MINUTE_MS, limit: this.config.lookupUserLimitPerMinute, getTracker: byUser },
      { name: 'lookup-address-minute', ttl: MINUTE_MS, limit: this.config.lookupAddressLimitPerMinute, getTracker: byAddress },
      { name: 'lookup-user-day', ttl: DAY_MS, limit: this.config.lookupUserLimitPerDay, getTracker: byUser },
    ];
  }

  protected override async throwThrottlingException(_context: ExecutionContext, detail: ThrottlerLimitDetail): Promise<void> {
    throw new LookupRateLimitedError(detail.timeToBlockExpire);
  }
}
