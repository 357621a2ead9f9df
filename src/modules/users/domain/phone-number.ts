import { parsePhoneNumberFromString } from 'libphonenumber-js/mobile';

/**
 * Indonesian mobile numbers. Users type them as `0811…`, `+62811…` or `62811…` (with optional spaces,
 * dots or hyphens); Dompet stores one national form, `08…`, so every spelling of a number is one person.
 * Whether a number is a mobile one is libphonenumber's call (its mobile metadata: `08` then `1`-`3` or
 * `5`-`9`, 10 to 13 digits in all).
 */

/** What the API accepts before normalisation (documented in Swagger). */
export const PHONE_INPUT_PATTERN = '^(\\+?62|0)8[0-9 .-]{8,16}$';

export const PHONE_RULE_MESSAGE =
  'phone_number must be an Indonesian mobile number: 08…, +628… or 628…, 10 to 13 digits in national form (e.g. 0811255501)';

/**
 * The spellings taken: `0`, `62` or `+62`, then the number from its `8`, digits only once spaces, dots
 * and hyphens are gone. libphonenumber alone would read `62811…` as a national number, and take `811…`
 * (no `0`) or `+620811…` as a mobile number; Dompet keeps refusing those two.
 */
const SPELLING = /^(?:\+?62|0)(8\d+)$/;

/** The stored national form of `input`, or null when it is not an Indonesian mobile number. */
export function normalisePhone(input: unknown): string | null {
  if (typeof input !== 'string' || input.length > 32) return null;
  const digits = SPELLING.exec(input.trim().replace(/[\s.-]/g, ''))?.[1];
  const phone = digits ? parsePhoneNumberFromString(`+62${digits}`) : undefined;
  return phone?.country === 'ID' && phone.isValid() ? `0${phone.nationalNumber}` : null;
}

/** True for a number in its stored national form (what `normalisePhone` returns). */
export function isNationalPhone(value: unknown): boolean {
  return typeof value === 'string' && normalisePhone(value) === value;
}

/** `0811255501` → `0811***501`: the first four and last three digits stay readable. */
export function maskPhone(phone: string): string {
  if (phone.length <= 7) return '*'.repeat(phone.length);
  return `${phone.slice(0, 4)}${'*'.repeat(phone.length - 7)}${phone.slice(-3)}`;
}
