import { Command } from '@nestjs/cqrs';
import type { PinChangedDto } from '../../auth.views';

/** Changes the caller's PIN; every token of the user (this one included) stops working at once. */
export class ChangePinCommand extends Command<PinChangedDto> {
  constructor(
    readonly userId: string,
    readonly oldPin: string,
    readonly newPin: string,
  ) {
    super();
  }
}
