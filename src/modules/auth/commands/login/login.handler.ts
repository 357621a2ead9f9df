import { CommandHandler, ICommandHandler } from '@nestjs/cqrs';
import { PinHasher, UserRecord, UsersRepository } from '../../../users';
import type { TokenPairDto } from '../../auth.views';
import { AccountDeactivatedError, InvalidCredentialsError } from '../../domain/auth.errors';
import { PinLockoutService } from '../../services/pin-lockout.service';
import { SessionsService } from '../../services/sessions.service';
import { LoginCommand } from './login.command';

@CommandHandler(LoginCommand)
export class LoginHandler implements ICommandHandler<LoginCommand, TokenPairDto> {
  constructor(
    private readonly users: UsersRepository,
    private readonly pins: PinHasher,
    private readonly lockout: PinLockoutService,
    private readonly sessions: SessionsService,
  ) {}

  async execute({ phone, pin }: LoginCommand): Promise<TokenPairDto> {
    const found: { user: UserRecord | null } = { user: null };
    // The PIN is verified only inside the number's attempt budget (reserved before, counted after).
    const matches = await this.lockout.verifyWithinBudget(phone, async () => {
      found.user = await this.users.findByPhone(phone);
      // An unknown number costs the same argon2 work as a wrong PIN, and gets the same answer.
      return found.user ? this.pins.verify(found.user.pin_hash, pin) : this.pins.verifyAgainstDummy(pin);
    });
    const user = found.user;
    if (!user || !matches) throw new InvalidCredentialsError();
    if (user.status !== 'ACTIVE') throw new AccountDeactivatedError();
    return this.sessions.open(user);
  }
}
