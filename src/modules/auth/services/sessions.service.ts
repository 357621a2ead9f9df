import { Injectable } from '@nestjs/common';
import { newId } from '../../../common/util/ids';
import { AppConfig } from '../../../config/app-config';
import type { UserRecord } from '../../users';
import type { TokenPairDto } from '../auth.views';
import { SessionDocument } from '../persistence/session.schemas';
import { SessionStateCache } from '../persistence/session-state.cache';
import { SessionsRepository } from '../persistence/sessions.repository';
import { TokenService } from './token.service';

/** Opens sessions, issues token pairs inside them and revokes them. */
@Injectable()
export class SessionsService {
  constructor(
    private readonly sessions: SessionsRepository,
    private readonly tokens: TokenService,
    private readonly config: AppConfig,
    private readonly states: SessionStateCache,
  ) {}

  /** A new session (login) with its first token pair. */
  async open(user: UserRecord): Promise<TokenPairDto> {
    const sessionId = newId();
    const session: SessionDocument = {
      _id: sessionId,
      user_id: user._id,
      token_version: user.token_version,
      created_at: new Date(),
      revoked_at: null,
      revoked_reason: null,
    };
    await this.sessions.insertSession(session);
    // The first requests of the session then answer from Redis (MongoDB stays the truth on a miss).
    await this.states.remember(sessionId, session);
    return this.issue(user, sessionId);
  }

  /** A fresh access token and a new refresh token of the given session. */
  async issue(user: UserRecord, sessionId: string): Promise<TokenPairDto> {
    const now = new Date();
    const refresh = this.tokens.newRefreshToken();
    await this.sessions.insertRefreshToken({
      _id: refresh.hash,
      session_id: sessionId,
      user_id: user._id,
      created_at: now,
      expires_at: new Date(now.getTime() + this.config.refreshTokenTtlSeconds * 1000),
    });
    const accessToken = await this.tokens.signAccessToken({ sub: user._id, role: user.role, sid: sessionId, ver: user.token_version });
    return { access_token: accessToken, refresh_token: refresh.token, token_type: 'Bearer', expires_in: this.config.accessTokenTtlSeconds };
  }

  /**
   * Revokes a session: MongoDB first (the truth: its refresh tokens stop working, and every check
   * that misses the cache reads it), then the cached state in Redis is overwritten, so its access
   * tokens stop at once on every instance.
   */
  async revoke(sessionId: string, reason: 'LOGOUT' | 'REFRESH_TOKEN_REUSE'): Promise<void> {
    await this.sessions.revokeSession(sessionId, reason, new Date());
    await this.states.publishRevoked(sessionId, reason);
  }
}
