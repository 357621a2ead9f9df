import { Inject, Injectable } from '@nestjs/common';
import Redis from 'ioredis';
import { AppConfig } from '../../../config/app-config';
import { REDIS, RedisKeys } from '../../../infrastructure/redis.module';
import { AccountLockedError } from '../domain/auth.errors';

/**
 * Counts a failure and, at the limit, locks the phone number, in one atomic step.
 * KEYS: failures counter, lock. ARGV: window seconds, max attempts, lock seconds.
 * Returns the lock's remaining milliseconds, or -2 when the number is not locked.
 */
const RECORD_FAILURE = `
local n = redis.call('INCR', KEYS[1])
if n == 1 then redis.call('EXPIRE', KEYS[1], ARGV[1]) end
if n >= tonumber(ARGV[2]) then
  redis.call('SET', KEYS[2], '1', 'EX', ARGV[3], 'NX')
  redis.call('DEL', KEYS[1])
end
return redis.call('PTTL', KEYS[2])
`;

/**
 * Locks a phone number after `PIN_MAX_ATTEMPTS` wrong PINs within `PIN_LOCK_SECONDS`, for
 * `PIN_LOCK_SECONDS`. The state lives in Redis so every instance agrees; while locked, even the right
 * PIN is refused. Unknown numbers are counted too, so the lock reveals nothing about registration.
 */
@Injectable()
export class PinLockoutService {
  constructor(
    @Inject(REDIS) private readonly redis: Redis,
    private readonly keys: RedisKeys,
    private readonly config: AppConfig,
  ) {}

  private failuresKey(phone: string): string {
    return this.keys.key('auth', 'pin-failures', phone);
  }

  private lockKey(phone: string): string {
    return this.keys.key('auth', 'pin-lock', phone);
  }

  async assertNotLocked(phone: string): Promise<void> {
    const remainingMs = await this.redis.pttl(this.lockKey(phone));
    if (remainingMs > 0) throw new AccountLockedError(remainingMs / 1000);
  }

  /** Records a wrong PIN; returns the lock error when this failure locked the number. */
  async recordFailure(phone: string): Promise<AccountLockedError | null> {
    const remainingMs = (await this.redis.eval(
      RECORD_FAILURE,
      2,
      this.failuresKey(phone),
      this.lockKey(phone),
      this.config.pinLockSeconds,
      this.config.pinMaxAttempts,
      this.config.pinLockSeconds,
    )) as number;
    return remainingMs > 0 ? new AccountLockedError(remainingMs / 1000) : null;
  }

  async reset(phone: string): Promise<void> {
    await this.redis.del(this.failuresKey(phone));
  }
}
