import type { Role } from '../../../../common/decorators/auth.decorators';
import { AddressField, FirstNameField, LastNameField, RoleField } from '../../http/user-fields';

/** Any subset of these fields (at least one). The phone number and the PIN are not editable here. */
export class UpdateUserRequestDto {
  @FirstNameField({ optional: true }) first_name?: string;
  @LastNameField({ optional: true }) last_name?: string;
  @AddressField({ optional: true }) address?: string;
  @RoleField() role?: Role;
}
