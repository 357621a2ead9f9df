import { Command } from '@nestjs/cqrs';
import type { AdminUserDto } from '../../users.views';

/** An administrator freezes (`frozen: true`) or unfreezes a user's wallet; a frozen wallet moves no money. */
export class FreezeUserWalletCommand extends Command<AdminUserDto> {
  constructor(
    readonly userId: string,
    readonly frozen: boolean,
  ) {
    super();
  }
}
