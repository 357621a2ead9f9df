import { Command } from '@nestjs/cqrs';
import type { TokenPairDto } from '../../auth.views';

/** Log in with phone number (already normalised) and PIN: opens a new session. */
export class LoginCommand extends Command<TokenPairDto> {
  constructor(
    readonly phone: string,
    readonly pin: string,
  ) {
    super();
  }
}
