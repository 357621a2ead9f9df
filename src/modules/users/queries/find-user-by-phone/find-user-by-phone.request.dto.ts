import { PhoneNumberField } from '../../http/user-fields';

export class FindUserByPhoneRequestDto {
  @PhoneNumberField() phone_number!: string;
}
