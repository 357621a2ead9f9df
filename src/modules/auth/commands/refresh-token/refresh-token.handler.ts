import { Logger } from '@nestjs/common';
import { CommandHandler, ICommandHandler } from '@nestjs/cqrs';
import { UnauthenticatedError } from '../../../../common/errors';
import { AppConfig } from '../../../../config/app-config';
import { UsersRepository } from '../../../users';
import type { TokenPairDto } from '../../auth.views';
import { SessionsRepository } from '../../persistence/sessions.repository';
import { SessionsService } from '../../services/sessions.service';
import { TokenService } from '../../services/token.service';
import { RefreshTokenCommand } from './refresh-token.command';

/**
 * Rotation with reuse detection. A refresh token is consumed by inserting its hash into
 * `refresh_token_uses` (unique `_id`): of concurrent refreshes with one token exactly one wins.
 * A token presented again:
 *  - within `REFRESH_REUSE_GRACE_SECONDS` of its first use: a double submit (two tabs, a retry), 401 only;
 *  - later: someone replays a rotated token (it may have been stolen), so the whole session is revoked.
 */
@CommandHandler(RefreshTokenCommand)
export class RefreshTokenHandler implements ICommandHandler<RefreshTokenCommand, TokenPairDto> {
  private readonly logger = new Logger(RefreshTokenHandler.name);

  constructor(
    private readonly tokens: TokenService,
    private readonly repository: SessionsRepository,
    private readonly sessions: SessionsService,
    private readonly users: UsersRepository,
    private readonly config: AppConfig,
  ) {}

  async execute({ refreshToken }: RefreshTokenCommand): Promise<TokenPairDto> {
    const hash = this.tokens.hashRefreshToken(refreshToken);
    const token = await this.repository.findRefreshToken(hash);
    const now = new Date();
    if (!token || new Date(token.expires_at).getTime() <= now.getTime()) throw new UnauthenticatedError();

    const [session, user] = await Promise.all([this.repository.findSession(token.session_id), this.users.findById(token.user_id)]);
    if (!session || session.revoked_at || session.user_id !== token.user_id) throw new UnauthenticatedError();
    // A PIN change or a deactivation bumped the user's token_version: every session of the user is over.
    if (!user || user.status !== 'ACTIVE' || user.token_version !== session.token_version) throw new UnauthenticatedError();

    const won = await this.repository.recordUse({ _id: hash, session_id: session._id, used_at: now, expires_at: token.expires_at });
    if (!won) {
      const firstUse = await this.repository.findUse(hash);
      const sinceFirstUse = firstUse ? now.getTime() - new Date(firstUse.used_at).getTime() : Infinity;
      if (sinceFirstUse > this.config.refreshReuseGraceSeconds * 1000) {
        this.logger.warn(`refresh token reuse detected: revoking session ${session._id} of user ${session.user_id}`);
        await this.sessions.revoke(session._id, 'REFRESH_TOKEN_REUSE');
      }
      throw new UnauthenticatedError();
    }
    return this.sessions.issue(user, session._id);
  }
}
