import { Inject, Injectable, Logger } from '@nestjs/common';
import Redis from 'ioredis';
import { newId } from '../../../common/util/ids';
import { AppConfig } from '../../../config/app-config';
import { REDIS, RedisKeys } from '../../../infrastructure/redis.module';
import type { UserRecord } from '../../users/persistence/users.repository';
import type { TokenPairDto } from '../auth.views';
import { SessionsRepository } from '../persistence/sessions.repository';
import { TokenService } from './token.service';

/** Revocation markers outlive every access token of the revoked session (issued up to the revocation, plus slack). */
const MARKER_SLACK_SECONDS = 60;

/** Opens sessions, issues token pairs inside them and revokes them. */
@Injectable()
export class SessionsService {
  private readonly logger = new Logger(SessionsService.name);

  constructor(
    private readonly sessions: SessionsRepository,
    private readonly tokens: TokenService,
    private readonly config: AppConfig,
    @Inject(REDIS) private readonly redis: Redis,
    private readonly keys: RedisKeys,
  ) {}

  /** Redis key whose presence means "this session is revoked" (checked by every authenticated request). */
  revokedKey(sessionId: string): string {
    return this.keys.key('auth', 'revoked-session', sessionId);
  }

  /** A new session (login) with its first token pair. */
  async open(user: UserRecord): Promise<TokenPairDto> {
    const sessionId = newId();
    await this.sessions.insertSession({
      _id: sessionId,
      user_id: user._id,
      token_version: user.token_version,
      created_at: new Date(),
      revoked_at: null,
      revoked_reason: null,
    });
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
   * Revokes a session: MongoDB first (its refresh tokens stop working), then a Redis marker that the
   * per-request check reads, so its access tokens stop at once on every instance.
   */
  async revoke(sessionId: string, reason: 'LOGOUT' | 'REFRESH_TOKEN_REUSE'): Promise<void> {
    await this.sessions.revokeSession(sessionId, reason, new Date());
    try {
      await this.redis.set(this.revokedKey(sessionId), reason, 'EX', this.config.accessTokenTtlSeconds + MARKER_SLACK_SECONDS);
    } catch (err) {
      // Without Redis the per-request check reads the session from MongoDB, which already says revoked.
      this.logger.warn(`could not set the revocation marker of session ${sessionId}: ${(err as Error).message}`);
    }
  }
}
