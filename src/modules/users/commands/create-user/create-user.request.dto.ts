import type { Role } from '../../../../common/decorators/auth.decorators';
import { AddressField, FirstNameField, LastNameField, PhoneNumberField, PinField, RoleField } from '../../http/user-fields';

export class CreateUserRequestDto {
  @FirstNameField() first_name!: string;
  @LastNameField() last_name!: string;
  @PhoneNumberField() phone_number!: string;
  @AddressField() address!: string;
  @PinField('pin') pin!: string;
  @RoleField() role?: Role;
}
