import { Inject, Injectable, Logger } from '@nestjs/common';
import Redis from 'ioredis';
import type { AuthUser } from '../../../common/decorators/auth.decorators';
import { UnauthenticatedError } from '../../../common/errors';
import { REDIS } from '../../../infrastructure/redis.module';
import { authStateOf, UserAuthState, UserAuthStateCache } from '../../users/persistence/user-auth-state.cache';
import { UsersRepository } from '../../users/persistence/users.repository';
import { SessionsRepository } from '../persistence/sessions.repository';
import { SessionsService } from './sessions.service';
import type { AccessClaims } from './token.service';

interface CurrentState {
  user: UserAuthState | null;
  revoked: boolean;
}

/**
 * The per-request check behind every authenticated route: is the session still open, is the user
 * still active, and is the token's version still the user's current one (a PIN change or a
 * deactivation bumps it)?
 *
 * Normal path: ONE Redis `MGET` of the cached user state and the session's revocation marker. On a
 * cache miss the user is read by `_id` and the cache filled. If Redis is unavailable, both answers
 * come from MongoDB `_id` reads instead.
 */
@Injectable()
export class SessionValidator {
  private readonly logger = new Logger(SessionValidator.name);

  constructor(
    @Inject(REDIS) private readonly redis: Redis,
    private readonly cache: UserAuthStateCache,
    private readonly users: UsersRepository,
    private readonly sessions: SessionsRepository,
    private readonly sessionKeys: SessionsService,
  ) {}

  async validate(claims: AccessClaims): Promise<AuthUser> {
    const { user, revoked } = await this.currentState(claims.sub, claims.sid);
    if (!user || revoked || user.status !== 'ACTIVE' || user.tokenVersion !== claims.ver) throw new UnauthenticatedError();
    // The current role, not the one in the token: a demotion takes effect at once.
    return { userId: claims.sub, role: user.role, sessionId: claims.sid };
  }

  private async currentState(userId: string, sessionId: string): Promise<CurrentState> {
    let cached: [string | null, string | null] | null = null;
    if (this.redis.status === 'ready') {
      try {
        cached = (await this.redis.mget(this.cache.key(userId), this.sessionKeys.revokedKey(sessionId))) as [string | null, string | null];
      } catch (err) {
        this.logger.warn(`session check falls back to MongoDB: ${(err as Error).message}`);
      }
    }
    if (!cached) return this.fromDatabase(userId, sessionId);
    const [rawState, marker] = cached;
    const revoked = marker !== null;
    const user = this.cache.decode(rawState);
    if (user) return { user, revoked };
    const record = await this.users.findById(userId);
    if (!record) return { user: null, revoked };
    const state = authStateOf(record);
    void this.cache.remember(userId, state);
    return { user: state, revoked };
  }

  private async fromDatabase(userId: string, sessionId: string): Promise<CurrentState> {
    const [record, session] = await Promise.all([this.users.findById(userId), this.sessions.findSession(sessionId)]);
    return {
      user: record ? authStateOf(record) : null,
      revoked: !session || session.user_id !== userId || session.revoked_at != null,
    };
  }
}
