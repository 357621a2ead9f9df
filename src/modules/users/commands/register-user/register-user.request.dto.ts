import { AddressField, FirstNameField, LastNameField, PhoneNumberField, PinField } from '../../http/user-fields';

export class RegisterUserRequestDto {
  @FirstNameField() first_name!: string;
  @LastNameField() last_name!: string;
  @PhoneNumberField() phone_number!: string;
  @AddressField() address!: string;
  @PinField('pin') pin!: string;
}
