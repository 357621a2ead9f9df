import { CommandHandler, ICommandHandler } from '@nestjs/cqrs';
import type { LoggedOutDto } from '../../auth.views';
import { SessionsService } from '../../services/sessions.service';
import { LogoutCommand } from './logout.command';

@CommandHandler(LogoutCommand)
export class LogoutHandler implements ICommandHandler<LogoutCommand, LoggedOutDto> {
  constructor(private readonly sessions: SessionsService) {}

  async execute({ sessionId }: LogoutCommand): Promise<LoggedOutDto> {
    // The guard has already proved the session belongs to the caller.
    await this.sessions.revoke(sessionId, 'LOGOUT');
    return { logged_out: true };
  }
}
