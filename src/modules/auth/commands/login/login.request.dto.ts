import { PhoneNumberField, PinField } from '../../../users/http/user-fields';

export class LoginRequestDto {
  @PhoneNumberField() phone_number!: string;
  @PinField('pin') pin!: string;
}
