/**
 * Indonesian mobile numbers. Users type them as `0811…`, `+62811…` or `62811…` (with optional spaces,
 * dots or hyphens); Dompet stores one national form, `08…`, so every spelling of a number is one person.
 */

/** National form: `08`, then 8 to 11 more digits (10 to 13 digits in all). */
export const NATIONAL_PHONE_PATTERN = /^08\d{8,11}$/;

/** What the API accepts before normalisation (documented in Swagger). */
export const PHONE_INPUT_PATTERN = '^(\\+?62|0)8[0-9 .-]{8,16}$';

export const PHONE_RULE_MESSAGE =
  'phone_number must be an Indonesian mobile number: 08…, +628… or 628…, 10 to 13 digits in national form (e.g. 0811255501)';

/** The stored national form of `input`, or null when it is not an Indonesian mobile number. */
export function normalisePhone(input: unknown): string | null {
  if (typeof input !== 'string' || input.length > 32) return null;
  const compact = input.trim().replace(/[\s.-]/g, '');
  let national: string;
  if (compact.startsWith('+62')) national = `0${compact.slice(3)}`;
  else if (compact.startsWith('62')) national = `0${compact.slice(2)}`;
  else national = compact;
  return NATIONAL_PHONE_PATTERN.test(national) ? national : null;
}

/** `0811255501` → `0811***501`: the first four and last three digits stay readable. */
export function maskPhone(phone: string): string {
  if (phone.length <= 7) return '*'.repeat(phone.length);
  return `${phone.slice(0, 4)}${'*'.repeat(phone.length - 7)}${phone.slice(-3)}`;
}
