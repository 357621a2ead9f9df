import { Command } from '@nestjs/cqrs';
import type { TokenPairDto } from '../../auth.views';

/** Exchange a refresh token (once) for a new token pair of the same session. */
export class RefreshTokenCommand extends Command<TokenPairDto> {
  constructor(readonly refreshToken: string) {
    super();
  }
}
