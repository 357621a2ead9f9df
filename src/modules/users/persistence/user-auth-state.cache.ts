import { Inject, Injectable, Logger } from '@nestjs/common';
import Redis from 'ioredis';
import type { Role } from '../../../common/decorators/auth.decorators';
import { AppConfig } from '../../../config/app-config';
import { CacheRepairs } from '../../../infrastructure/cache-repairs';
import { REDIS, RedisKeys } from '../../../infrastructure/redis.module';
import type { UserStatus } from './user.schema';
import type { UserRecord } from './users.repository';

/**
 * The part of a user every authenticated request checks: is the account active, which token version is
 * current, which role; and whether the wallet is frozen, which a payment or top-up then needs no read of
 * the user for (undefined in copies written before it was part of the state).
 */
export interface UserAuthState {
  status: UserStatus;
  tokenVersion: number;
  role: Role;
  walletFrozen?: boolean;
}

export function authStateOf(user: Pick<UserRecord, 'status' | 'token_version' | 'role' | 'wallet_frozen'>): UserAuthState {
  return { status: user.status, tokenVersion: user.token_version, role: user.role, walletFrozen: user.wallet_frozen === true };
}

/**
 * A short-lived Redis copy of each user's `UserAuthState` (`SESSION_CACHE_SECONDS`), so the
 * per-request session check costs one Redis round trip instead of a database read.
 *
 * Writers change MongoDB first and then `publish()` (an unconditional overwrite); readers that
 * missed fill the entry with `remember()` (SET NX), so a reader holding an older copy can never
 * overwrite what a writer just published. A publish Redis did not take is written again by
 * `CacheRepairs` once Redis is back, before this process trusts the copies again.
 */
@Injectable()
export class UserAuthStateCache {
  private readonly logger = new Logger(UserAuthStateCache.name);
  /** The users asked for in this turn of the event loop, and their one read (`readThisTurn`). */
  private turn: { ids: Set<string>; read: Promise<Map<string, string | null>> } | null = null;

  constructor(
    @Inject(REDIS) private readonly redis: Redis,
    private readonly keys: RedisKeys,
    private readonly config: AppConfig,
    private readonly repairs: CacheRepairs,
  ) {}

  key(userId: string): string {
    return this.keys.key('users', 'auth-state', userId);
  }

  encode(state: UserAuthState): string {
    const base = `${state.status}|${state.tokenVersion}|${state.role}`;
    return state.walletFrozen === undefined ? base : `${base}|${state.walletFrozen ? 1 : 0}`;
  }

  decode(raw: string | null | undefined): UserAuthState | null {
    if (!raw) return null;
    const [status, version, role, frozen] = raw.split('|');
    const tokenVersion = Number(version);
    if ((status !== 'ACTIVE' && status !== 'DEACTIVATED') || !Number.isInteger(tokenVersion) || (role !== 'USER' && role !== 'ADMIN')) {
      return null;
    }
    // A copy written before the frozen flag was part of the state says nothing of it.
    return frozen === '1' || frozen === '0' ? { status, tokenVersion, role, walletFrozen: frozen === '1' } : { status, tokenVersion, role };
  }

  /**
   * The cached states of these users that can be used without a read: only while this process trusts
   * the copies (`CacheRepairs`), and only copies that carry the wallet flag. Empty when Redis fails.
   */
  async readStates(userIds: string[]): Promise<Map<string, UserAuthState>> {
    const states = new Map<string, UserAuthState>();
    if (userIds.length === 0 || !this.repairs.trusted()) return states;
    try {
      const raw = await this.readThisTurn(userIds);
      for (const id of userIds) {
        const state = this.decode(raw.get(id));
        if (state && state.walletFrozen !== undefined) states.set(id, state);
      }
    } catch (err) {
      this.logger.debug(`auth-state cache read skipped: ${(err as Error).message}`);
    }
    return states;
  }

  /**
   * The raw copies of these users, read in one MGET with every other `readStates` of this turn of the
   * event loop (the transfers of one job, concurrent requests): one Redis round trip for all of them.
   * Every caller gets the same answer, or the same error.
   */
  private readThisTurn(userIds: string[]): Promise<Map<string, string | null>> {
    if (!this.turn) {
      const ids = new Set<string>();
      const read = new Promise<void>((resolve) => setImmediate(resolve)).then(async () => {
        this.turn = null;
        const list = [...ids];
        const raw = await this.redis.mget(...list.map((id) => this.key(id)));
        return new Map(list.map((id, i) => [id, raw[i] ?? null]));
      });
      this.turn = { ids, read };
    }
    for (const id of userIds) this.turn.ids.add(id);
    return this.turn.read;
  }

  /** Fills a cache miss with what was just read from MongoDB; never replaces an existing entry. Best effort. */
  async remember(userId: string, state: UserAuthState): Promise<void> {
    if (this.config.sessionCacheSeconds <= 0) return;
    try {
      await this.redis.set(this.key(userId), this.encode(state), 'EX', this.config.sessionCacheSeconds, 'NX');
    } catch (err) {
      this.logger.debug(`auth-state cache fill skipped: ${(err as Error).message}`);
    }
  }

  /**
   * Makes a change of status, token version, role or wallet freeze visible to every instance at once.
   * Called after the MongoDB write, before the change is answered. If Redis refuses, the stale entry lives at most `SESSION_CACHE_SECONDS`.
   */
  async publish(user: UserRecord): Promise<void> {
    const key = this.key(user._id);
    const state = this.encode(authStateOf(user));
    // If Redis does not take it now, CacheRepairs writes it once Redis is back; this process reads MongoDB meanwhile.
    await this.repairs.publish(key, async () => {
      if (this.config.sessionCacheSeconds <= 0) await this.redis.del(key);
      else await this.redis.set(key, state, 'EX', this.config.sessionCacheSeconds);
    });
  }
}
