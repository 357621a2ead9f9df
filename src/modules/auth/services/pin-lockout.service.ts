import { Inject, Injectable, Logger } from '@nestjs/common';
import Redis from 'ioredis';
import { randomUUID } from 'node:crypto';
import { AppConfig } from '../../../config/app-config';
import { REDIS, RedisKeys } from '../../../infrastructure/redis.module';
import { AccountLockedError, PinAttemptsInProgressError } from '../domain/auth.errors';

/**
 * How long a reservation holds a place in the attempt budget. A verification takes well under a
 * second; the expiry only matters when a process dies (or stalls) between reserving and finishing,
 * so that its place is not lost for the whole lock window. An attempt that finishes after its
 * reservation expired never answers success (see SUCCEED) and still counts when its PIN was wrong.
 */
export const PIN_ATTEMPT_RESERVATION_MS = 60_000;

/**
 * Reserves one attempt of the phone number's budget, before the PIN is verified.
 * KEYS: failures counter, lock, in-flight set (member: attempt id, score: expiry in ms).
 * ARGV: max attempts, reservation ms, attempt id.
 * Returns {0} reserved, {1, lock pttl} locked, {2} the budget is taken by attempts still being checked.
 * Wrong PINs already counted plus attempts in flight never exceed the max, so at most `max` wrong
 * PINs are ever evaluated per window, however many requests arrive at once and on however many instances.
 */
const RESERVE = `
local lock = redis.call('PTTL', KEYS[2])
if lock > 0 then return {1, lock} end
local t = redis.call('TIME')
local now = tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000)
redis.call('ZREMRANGEBYSCORE', KEYS[3], '-inf', now)
local failed = tonumber(redis.call('GET', KEYS[1]) or '0')
if failed + redis.call('ZCARD', KEYS[3]) >= tonumber(ARGV[1]) then return {2, 0} end
redis.call('ZADD', KEYS[3], now + tonumber(ARGV[2]), ARGV[3])
redis.call('PEXPIRE', KEYS[3], ARGV[2])
return {0, 0}
`;

/**
 * A wrong PIN: turns the reservation into a counted failure and, at the limit, locks the number.
 * KEYS: failures counter, lock, in-flight set. ARGV: window seconds, max attempts, lock seconds, attempt id.
 * Returns the lock's remaining milliseconds, or a value <= 0 when the number is not locked.
 */
const FAIL = `
redis.call('ZREM', KEYS[3], ARGV[4])
local n = redis.call('INCR', KEYS[1])
if n == 1 then redis.call('EXPIRE', KEYS[1], ARGV[1]) end
if n >= tonumber(ARGV[2]) then
  redis.call('SET', KEYS[2], '1', 'EX', ARGV[3], 'NX')
  redis.call('DEL', KEYS[1])
end
return redis.call('PTTL', KEYS[2])
`;

/**
 * The right PIN: releases the reservation and clears the count. Refused when the number got locked
 * meanwhile, or when the reservation had expired (its place may have been given to another attempt).
 * KEYS: failures counter, lock, in-flight set. ARGV: attempt id.
 * Returns {0} accepted, {1, lock pttl} locked, {2} reservation lost.
 */
const SUCCEED = `
local held = redis.call('ZREM', KEYS[3], ARGV[1])
local lock = redis.call('PTTL', KEYS[2])
if lock > 0 then return {1, lock} end
if held == 0 then return {2, 0} end
redis.call('DEL', KEYS[1])
return {0, 0}
`;

type ScriptAnswer = [number, number];

/**
 * The PIN attempt budget of a phone number: at most `PIN_MAX_ATTEMPTS` wrong PINs per
 * `PIN_LOCK_SECONDS`; the wrong PIN that reaches the limit locks the number for `PIN_LOCK_SECONDS`,
 * and while locked even the right PIN is refused. Login and PIN change share it.
 *
 * Check, verify and count are one budget, not three steps: an attempt first reserves a place
 * atomically in Redis (refused when the number is locked or when counted failures plus attempts in
 * flight already reach the max), only then is the PIN verified, and the reservation then becomes a
 * failure or is released. Concurrent bursts therefore cannot have more wrong PINs evaluated than the
 * max. The state lives in Redis so every instance agrees. Unknown numbers are counted too, so the
 * lock reveals nothing about registration. If Redis cannot be reached, no PIN is verified (503).
 */
@Injectable()
export class PinLockoutService {
  private readonly logger = new Logger(PinLockoutService.name);

  constructor(
    @Inject(REDIS) private readonly redis: Redis,
    private readonly keys: RedisKeys,
    private readonly config: AppConfig,
  ) {}

  private keysOf(phone: string): [string, string, string] {
    return [this.keys.key('auth', 'pin-failures', phone), this.keys.key('auth', 'pin-lock', phone), this.keys.key('auth', 'pin-inflight', phone)];
  }

  /**
   * Verifies a PIN of `phone` within its attempt budget. `verify` runs only once a place is reserved.
   * Resolves true for the right PIN (the count is cleared), false for a wrong one that did not lock
   * the number; throws `AccountLockedError` when the number is (or has just become) locked, and
   * `PinAttemptsInProgressError` when other attempts in flight hold the rest of the budget.
   */
  async verifyWithinBudget(phone: string, verify: () => Promise<boolean>): Promise<boolean> {
    const keys = this.keysOf(phone);
    const attempt = randomUUID();
    const [reserved, lockMs] = (await this.redis.eval(RESERVE, 3, ...keys, this.config.pinMaxAttempts, PIN_ATTEMPT_RESERVATION_MS, attempt)) as ScriptAnswer;
    if (reserved === 1) throw new AccountLockedError(lockMs / 1000);
    if (reserved === 2) throw new PinAttemptsInProgressError();

    let matches: boolean;
    try {
      matches = await verify();
    } catch (err) {
      // Nothing was evaluated (the user could not be read): give the place back.
      await this.redis.zrem(keys[2], attempt).catch((e: Error) => this.logger.warn(`could not release a PIN attempt: ${e.message}`));
      throw err;
    }

    if (!matches) {
      const remainingMs = (await this.redis.eval(FAIL, 3, ...keys, this.config.pinLockSeconds, this.config.pinMaxAttempts, this.config.pinLockSeconds, attempt)) as number;
      if (remainingMs > 0) throw new AccountLockedError(remainingMs / 1000);
      return false;
    }
    const [outcome, lockedMs] = (await this.redis.eval(SUCCEED, 3, ...keys, attempt)) as ScriptAnswer;
    if (outcome === 1) throw new AccountLockedError(lockedMs / 1000);
    if (outcome === 2) throw new PinAttemptsInProgressError();
    return true;
  }
}
