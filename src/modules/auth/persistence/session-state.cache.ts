import { Inject, Injectable, Logger } from '@nestjs/common';
import Redis from 'ioredis';
import { AppConfig } from '../../../config/app-config';
import { assertRedisReady, REDIS, RedisKeys } from '../../../infrastructure/redis.module';
import type { SessionDocument } from './session.schemas';

export type SessionState = 'OPEN' | 'REVOKED';

/** A revoked entry outlives every access token of its session (issued up to the revocation), plus slack. */
const REVOKED_SLACK_SECONDS = 60;

/**
 * A Redis copy of "is this session open or revoked", so that the per-request check costs one Redis
 * round trip. MongoDB's `sessions` document is the truth: a missing entry (expired, evicted, or Redis
 * lost its data) is read again from MongoDB, never taken to mean "open".
 *
 * Entries: `OPEN` (kept `SESSION_CACHE_SECONDS`), or the revocation reason (`LOGOUT`,
 * `REFRESH_TOKEN_REUSE`; kept one access-token lifetime plus slack, after which every token of the
 * session has expired anyway). A revocation writes MongoDB first and then overwrites the entry;
 * readers that missed fill it with SET NX, so an `OPEN` read before the revocation can never
 * replace it.
 */
@Injectable()
export class SessionStateCache {
  private readonly logger = new Logger(SessionStateCache.name);

  constructor(
    @Inject(REDIS) private readonly redis: Redis,
    private readonly keys: RedisKeys,
    private readonly config: AppConfig,
  ) {}

  key(sessionId: string): string {
    return this.keys.key('auth', 'session', sessionId);
  }

  decode(raw: string | null | undefined): SessionState | null {
    if (!raw) return null;
    return raw === 'OPEN' ? 'OPEN' : 'REVOKED';
  }

  /** The state of a session document read from MongoDB, for the user the token names. */
  stateOf(session: Pick<SessionDocument, 'user_id' | 'revoked_at'> | null, userId: string): SessionState {
    return session && session.user_id === userId && session.revoked_at == null ? 'OPEN' : 'REVOKED';
  }

  /** Fills a miss with what MongoDB just said; never replaces an existing entry. Best effort. */
  async remember(sessionId: string, session: Pick<SessionDocument, 'revoked_at' | 'revoked_reason'>): Promise<void> {
    const revoked = session.revoked_at != null;
    const seconds = revoked ? this.revokedSeconds() : this.config.sessionCacheSeconds;
    if (seconds <= 0) return;
    try {
      await this.redis.set(this.key(sessionId), revoked ? (session.revoked_reason ?? 'REVOKED') : 'OPEN', 'EX', seconds, 'NX');
    } catch (err) {
      this.logger.debug(`session cache fill skipped: ${(err as Error).message}`);
    }
  }

  /** Called after MongoDB recorded the revocation: every instance refuses the session's tokens at once. */
  async publishRevoked(sessionId: string, reason: string): Promise<void> {
    try {
      assertRedisReady(this.redis);
      await this.redis.set(this.key(sessionId), reason, 'EX', this.revokedSeconds());
    } catch (err) {
      // The entry may still say OPEN for up to SESSION_CACHE_SECONDS; without Redis the check reads MongoDB, which says revoked.
      this.logger.warn(`could not publish the revocation of session ${sessionId}: ${(err as Error).message}`);
    }
  }

  private revokedSeconds(): number {
    return this.config.accessTokenTtlSeconds + REVOKED_SLACK_SECONDS;
  }
}
