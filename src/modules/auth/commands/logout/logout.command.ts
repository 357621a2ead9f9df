import { Command } from '@nestjs/cqrs';
import type { LoggedOutDto } from '../../auth.views';

/** Ends the caller's session: its refresh tokens and access tokens stop working at once. */
export class LogoutCommand extends Command<LoggedOutDto> {
  constructor(
    readonly userId: string,
    readonly sessionId: string,
  ) {
    super();
  }
}
