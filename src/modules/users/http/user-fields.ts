import { applyDecorators } from '@nestjs/common';
import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { Transform } from 'class-transformer';
import { IsIn, IsNotEmpty, IsString, Matches, MaxLength, ValidateBy } from 'class-validator';
import { IsOmittable } from '../../../common/http/validation';
import type { Role } from '../../../common/decorators/auth.decorators';
import { isNationalPhone, normalisePhone, PHONE_INPUT_PATTERN, PHONE_RULE_MESSAGE } from '../domain/phone-number';

/**
 * The validation and documentation of the user fields, shared by registration, admin creation,
 * admin update and profile update so every route applies exactly the same rules.
 */

export const NAME_MAX = 50;
export const ADDRESS_MAX = 200;

const trim = () => Transform(({ value }) => (typeof value === 'string' ? value.trim() : value));
const NAME_PATTERN = /^[\p{L}\p{M}][\p{L}\p{M}' .,-]*$/u;
const NO_CONTROL_CHARACTERS = /^[^\p{Cc}]*$/u;
const CONTROL_FREE_PATTERN = '^[^\\u0000-\\u001F\\u007F-\\u009F]*$';

function nameField(field: 'first_name' | 'last_name', example: string, optional: boolean) {
  const doc = { example, minLength: 1, maxLength: NAME_MAX, pattern: NAME_PATTERN.source, description: 'Trimmed; letters, spaces, apostrophes, dots, commas and hyphens' };
  return applyDecorators(
    optional ? ApiPropertyOptional(doc) : ApiProperty(doc),
    trim(),
    ...(optional ? [IsOmittable()] : []),
    IsString({ message: `${field} must be a string` }),
    IsNotEmpty({ message: `${field} must not be empty` }),
    MaxLength(NAME_MAX, { message: `${field} must be at most ${NAME_MAX} characters` }),
    Matches(NAME_PATTERN, { message: `${field} may contain only letters, spaces, apostrophes, dots, commas and hyphens` }),
  );
}

export const FirstNameField = (options: { optional?: boolean } = {}) => nameField('first_name', 'Guntur', !!options.optional);
export const LastNameField = (options: { optional?: boolean } = {}) => nameField('last_name', 'Saputro', !!options.optional);

export function AddressField(options: { optional?: boolean } = {}) {
  // The same rule as NO_CONTROL_CHARACTERS (\p{Cc} is U+0000-U+001F and U+007F-U+009F), spelled without a
  // Unicode property escape so that schema-driven tools (request generators, fuzzers) can use it.
  const doc = { example: 'Jl. Diponegoro No. 215', minLength: 1, maxLength: ADDRESS_MAX, pattern: CONTROL_FREE_PATTERN, description: 'Trimmed; no control characters' };
  return applyDecorators(
    options.optional ? ApiPropertyOptional(doc) : ApiProperty(doc),
    trim(),
    ...(options.optional ? [IsOmittable()] : []),
    IsString({ message: 'address must be a string' }),
    IsNotEmpty({ message: 'address must not be empty' }),
    MaxLength(ADDRESS_MAX, { message: `address must be at most ${ADDRESS_MAX} characters` }),
    Matches(NO_CONTROL_CHARACTERS, { message: 'address must not contain control characters' }),
  );
}

/** Accepts `08…`, `+628…` or `628…` and hands the handler the stored national form `08…`. */
export function PhoneNumberField() {
  return applyDecorators(
    ApiProperty({
      example: '0811255501',
      pattern: PHONE_INPUT_PATTERN,
      minLength: 10,
      maxLength: 20,
      description: 'Indonesian mobile number; `+62811255501`, `62811255501` and `0811255501` are the same number (stored as `0811255501`)',
    }),
    Transform(({ value }) => (typeof value === 'string' ? (normalisePhone(value) ?? value) : value)),
    IsString({ message: 'phone_number must be a string' }),
    ValidateBy({ name: 'isIndonesianMobile', validator: { validate: isNationalPhone, defaultMessage: () => PHONE_RULE_MESSAGE } }),
  );
}

export function PinField(field: 'pin' | 'old_pin' | 'new_pin', example = '123456') {
  return applyDecorators(
    ApiProperty({ example, pattern: '^\\d{6}$', minLength: 6, maxLength: 6, description: 'Exactly 6 digits, as a string' }),
    IsString({ message: `${field} must be a string of exactly 6 digits` }),
    Matches(/^\d{6}$/, { message: `${field} must be exactly 6 digits` }),
  );
}

export const ROLES: Role[] = ['USER', 'ADMIN'];

export function RoleField() {
  return applyDecorators(
    ApiPropertyOptional({ enum: ROLES, example: 'USER', description: 'Defaults to USER' }),
    IsOmittable(),
    IsIn(ROLES, { message: 'role must be USER or ADMIN' }),
  );
}

/** The request fields of a new account (registration, admin creation) as the registration service takes them. */
export function newUserFields(body: { first_name: string; last_name: string; phone_number: string; address: string; pin: string }) {
  return { firstName: body.first_name, lastName: body.last_name, phone: body.phone_number, address: body.address, pin: body.pin };
}
