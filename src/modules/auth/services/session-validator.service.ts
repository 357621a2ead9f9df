import { Inject, Injectable, Logger } from '@nestjs/common';
import Redis from 'ioredis';
import type { AuthUser } from '../../../common/decorators/auth.decorators';
import { UnauthenticatedError } from '../../../common/errors';
import { REDIS } from '../../../infrastructure/redis.module';
import { authStateOf, UserAuthState, UserAuthStateCache, UsersRepository } from '../../users';
import { CacheRepairs } from '../../../infrastructure/cache-repairs';
import { SessionState, SessionStateCache } from '../persistence/session-state.cache';
import { SessionsRepository } from '../persistence/sessions.repository';
import type { AccessClaims } from './token.service';

interface CurrentState {
  user: UserAuthState | null;
  session: SessionState;
}

/**
 * The per-request check behind every authenticated route: is the session still open, is the user
 * still active, and is the token's version still the user's current one (a PIN change or a
 * deactivation bumps it)?
 *
 * MongoDB is the truth; Redis only caches it. Normal path: ONE Redis `MGET` of the cached user state
 * and the cached session state. What is missing from the cache (expired, or Redis lost its data) is
 * read from MongoDB by `_id` and cached again, so a revoked session stays revoked whatever happens to
 * Redis. If Redis is unavailable, both answers come from MongoDB `_id` reads.
 */
@Injectable()
export class SessionValidator {
  private readonly logger = new Logger(SessionValidator.name);

  constructor(
    @Inject(REDIS) private readonly redis: Redis,
    private readonly cache: UserAuthStateCache,
    private readonly users: UsersRepository,
    private readonly sessions: SessionsRepository,
    private readonly sessionStates: SessionStateCache,
    private readonly repairs: CacheRepairs,
  ) {}

  async validate(claims: AccessClaims): Promise<AuthUser> {
    const { user, session } = await this.currentState(claims.sub, claims.sid);
    if (!user || session !== 'OPEN' || user.status !== 'ACTIVE' || user.tokenVersion !== claims.ver) throw new UnauthenticatedError();
    // The current role, not the one in the token: a demotion takes effect at once.
    return { userId: claims.sub, role: user.role, sessionId: claims.sid, walletFrozen: user.walletFrozen };
  }

  private async currentState(userId: string, sessionId: string): Promise<CurrentState> {
    let cached: [string | null, string | null] | null = null;
    // Only while the copies are known good: connected, and no publish of this process still missing there.
    if (this.repairs.trusted()) {
      try {
        cached = (await this.redis.mget(this.cache.key(userId), this.sessionStates.key(sessionId))) as [string | null, string | null];
      } catch (err) {
        this.logger.warn(`session check falls back to MongoDB: ${(err as Error).message}`);
      }
    }
    if (!cached) return this.fromDatabase(userId, sessionId);
    const user = this.cache.decode(cached[0]);
    const session = this.sessionStates.decode(cached[1]);
    if (session === 'REVOKED') return { user, session };
    if (user && session) return { user, session };
    const [fromDb, sessionFromDb] = await Promise.all([user ? null : this.readUser(userId), session ? null : this.readSession(userId, sessionId)]);
    return { user: user ?? fromDb, session: session ?? sessionFromDb! };
  }

  private async readUser(userId: string): Promise<UserAuthState | null> {
    const record = await this.users.findById(userId);
    if (!record) return null;
    const state = authStateOf(record);
    void this.cache.remember(userId, state);
    return state;
  }

  private async readSession(userId: string, sessionId: string): Promise<SessionState> {
    const document = await this.sessions.findSession(sessionId);
    const state = this.sessionStates.stateOf(document, userId);
    // Only a session of this user is cached (a token naming another user's session is refused, not remembered).
    if (document && document.user_id === userId) void this.sessionStates.remember(sessionId, document);
    return state;
  }

  private async fromDatabase(userId: string, sessionId: string): Promise<CurrentState> {
    const [record, session] = await Promise.all([this.users.findById(userId), this.sessions.findSession(sessionId)]);
    return { user: record ? authStateOf(record) : null, session: this.sessionStates.stateOf(session, userId) };
  }
}
