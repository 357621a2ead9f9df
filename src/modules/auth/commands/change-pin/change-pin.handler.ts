import { CommandHandler, ICommandHandler } from '@nestjs/cqrs';
import { UnauthenticatedError } from '../../../../common/errors';
import { formatDateTime } from '../../../../common/util/time';
import { AppConfig } from '../../../../config/app-config';
import { PinHasher, UserAuthStateCache, UserWriteLock, UsersRepository } from '../../../users';
import type { PinChangedDto } from '../../auth.views';
import { InvalidOldPinError, SamePinError } from '../../domain/auth.errors';
import { PinLockoutService } from '../../services/pin-lockout.service';
import { ChangePinCommand } from './change-pin.command';

@CommandHandler(ChangePinCommand)
export class ChangePinHandler implements ICommandHandler<ChangePinCommand, PinChangedDto> {
  constructor(
    private readonly users: UsersRepository,
    private readonly pins: PinHasher,
    private readonly lockout: PinLockoutService,
    private readonly lock: UserWriteLock,
    private readonly authState: UserAuthStateCache,
    private readonly config: AppConfig,
  ) {}

  async execute({ userId, oldPin, newPin }: ChangePinCommand): Promise<PinChangedDto> {
    if (oldPin === newPin) throw new SamePinError();
    // Verify and write under the user's write lock, so two changes cannot both pass with the same old PIN.
    const updated = await this.lock.run(userId, async () => {
      const user = await this.users.findById(userId);
      if (!user) throw new UnauthenticatedError();
      // Wrong old PINs count toward the same lock as wrong PINs at login: a stolen access token cannot be used to guess the PIN.
      // The same attempt budget as login: reserved before the old PIN is verified, counted after.
      if (!(await this.lockout.verifyWithinBudget(user.phone_number, () => this.pins.verify(user.pin_hash, oldPin)))) {
        throw new InvalidOldPinError();
      }
      const pinHash = await this.pins.hash(newPin);
      const changed = await this.users.update(userId, { pin_hash: pinHash, token_version: user.token_version + 1, updated_at: new Date() });
      // MongoDB first, then Redis: every instance now refuses tokens carrying the old version. Inside the
      // lock, so no other change of the user (a freeze) can publish in between and be overwritten.
      if (changed) await this.authState.publish(changed);
      return changed;
    });
    if (!updated) throw new UnauthenticatedError();
    return {
      user_id: updated._id,
      message: 'PIN changed. Every session was signed out; log in again with the new PIN.',
      updated_date: formatDateTime(new Date(updated.updated_at), this.config.timeZone),
    };
  }
}
