import { Command } from '@nestjs/cqrs';
import type { NewUser } from '../../services/user-registration.service';
import type { RegisteredUserDto } from '../../users.views';

/** A person signs up with their phone number and a 6-digit PIN (phone already normalised); always role USER. */
export class RegisterUserCommand extends Command<RegisteredUserDto> {
  constructor(readonly user: Omit<NewUser, 'role'>) {
    super();
  }
}
