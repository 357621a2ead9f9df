import { Command } from '@nestjs/cqrs';
import type { RegisteredUserDto } from '../../user.views';

/** A person signs up with their phone number and a 6-digit PIN (phone already normalised). */
export class RegisterUserCommand extends Command<RegisteredUserDto> {
  constructor(
    readonly firstName: string,
    readonly lastName: string,
    readonly phone: string,
    readonly address: string,
    readonly pin: string,
  ) {
    super();
  }
}
