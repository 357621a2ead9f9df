import { Command } from '@nestjs/cqrs';
import type { ProfileUpdatedDto } from '../../users.views';

/** A user edits their own names and address. */
export class UpdateProfileCommand extends Command<ProfileUpdatedDto> {
  constructor(
    readonly userId: string,
    readonly changes: { first_name?: string; last_name?: string; address?: string },
  ) {
    super();
  }
}
