import { CommandHandler, ICommandHandler } from '@nestjs/cqrs';
import { PinHasher } from '../../../users/domain/pin-hasher';
import { UsersRepository } from '../../../users/persistence/users.repository';
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
    await this.lockout.assertNotLocked(phone);
    const user = await this.users.findByPhone(phone);
    // An unknown number costs the same argon2 work as a wrong PIN, and gets the same answer.
    const matches = user ? await this.pins.verify(user.pin_hash, pin) : await this.pins.verifyAgainstDummy(pin);
    if (!user || !matches) {
      throw (await this.lockout.recordFailure(phone)) ?? new InvalidCredentialsError();
    }
    await this.lockout.reset(phone);
    if (user.status !== 'ACTIVE') throw new AccountDeactivatedError();
    return this.sessions.open(user);
  }
}
