import { PinField } from '../../../users';

export class ChangePinRequestDto {
  @PinField('old_pin', '123456') old_pin!: string;
  @PinField('new_pin', '654321') new_pin!: string;
}
