import { Inject, Injectable, Logger, OnModuleInit } from '@nestjs/common';
import Redis from 'ioredis';
import { AppConfig } from '../../../config/app-config';
import { CacheRepairs } from '../../../infrastructure/cache-repairs';
import { REDIS, RedisKeys } from '../../../infrastructure/redis.module';
import type { SessionDocument } from './session.schemas';
import { SessionsRepository } from './sessions.repository';

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
 * replace it. A revocation Redis did not take (down, reconnecting) is published again by
 * `CacheRepairs` once Redis is back, and after every disconnection the revocations of the last
 * access-token lifetime are re-published before the copies are trusted again.
 */
@Injectable()
export class SessionStateCache implements OnModuleInit {
  private readonly logger = new Logger(SessionStateCache.name);

  constructor(
    @Inject(REDIS) private readonly redis: Redis,
    private readonly keys: RedisKeys,
    private readonly config: AppConfig,
    private readonly repairs: CacheRepairs,
    private readonly sessions: SessionsRepository,
  ) {}

  onModuleInit(): void {
    this.repairs.addStanding(() => this.republishRecentRevocations());
  }

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

  /**
   * Called after MongoDB recorded the revocation: every instance refuses the session's tokens at once.
   * If Redis does not take it now, it is published again as soon as Redis is back; meanwhile this
   * process checks sessions against MongoDB, which says revoked.
   */
  async publishRevoked(sessionId: string, reason: string): Promise<void> {
    const key = this.key(sessionId);
    await this.repairs.publish(key, async () => {
      await this.redis.set(key, reason, 'EX', this.revokedSeconds());
    });
  }

  /** Every revocation whose tokens may still be unexpired, written again (covers publishes a crashed process lost). */
  private async republishRecentRevocations(): Promise<void> {
    const seconds = this.revokedSeconds();
    const revoked = await this.sessions.findRevokedSince(new Date(Date.now() - seconds * 1000));
    for (let i = 0; i < revoked.length; i += 500) {
      const batch = this.redis.pipeline();
      for (const s of revoked.slice(i, i + 500)) batch.set(this.key(s._id), s.revoked_reason ?? 'REVOKED', 'EX', seconds);
      const results = (await batch.exec()) ?? [];
      const failed = results.find(([err]) => err);
      if (failed) throw failed[0];
    }
    if (revoked.length) this.logger.log(`re-published ${revoked.length} session revocation(s) to Redis`);
  }

  private revokedSeconds(): number {
    return this.config.accessTokenTtlSeconds + REVOKED_SLACK_SECONDS;
  }
}
