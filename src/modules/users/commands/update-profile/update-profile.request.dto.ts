import { AddressField, FirstNameField, LastNameField } from '../../http/user-fields';

/**
 * Any subset of these fields (at least one). `phone_number` and `pin` are not accepted here: the
 * global validation answers 400 for them and nothing is changed.
 */
export class UpdateProfileRequestDto {
  @FirstNameField({ optional: true }) first_name?: string;
  @LastNameField({ optional: true }) last_name?: string;
  @AddressField({ optional: true }) address?: string;
}
