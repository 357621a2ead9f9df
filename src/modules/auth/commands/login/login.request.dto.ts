import { PhoneNumberField, PinField } from '../../../users';

export class LoginRequestDto {
  @PhoneNumberField() phone_number!: string;
  @PinField('pin') pin!: string;
}
