import { HttpStatus } from '@nestjs/common';
import { BusinessRuleError, DomainError } from '../../../common/errors';

export class InvalidCredentialsError extends DomainError {
  constructor() {
    super('INVALID_CREDENTIALS', "Phone number and pin doesn't match.", HttpStatus.UNAUTHORIZED);
  }
}

/** Only answered after the right PIN, so it tells nothing to someone who does not know it. */
export class AccountDeactivatedError extends DomainError {
  constructor() {
    super('ACCOUNT_DEACTIVATED', 'This account has been deactivated. Please contact Dompet support.', HttpStatus.FORBIDDEN);
  }
}

/** `12 minutes 5 seconds`, `1 hour 2 minutes`, `30 seconds`. */
export function describeDuration(totalSeconds: number): string {
  const s = Math.max(0, Math.ceil(totalSeconds));
  const parts: string[] = [];
  const units: Array<[number, string]> = [
    [Math.floor(s / 3600), 'hour'],
    [Math.floor((s % 3600) / 60), 'minute'],
    [s % 60, 'second'],
  ];
  for (const [n, unit] of units) if (n > 0) parts.push(`${n} ${unit}${n === 1 ? '' : 's'}`);
  return parts.length ? parts.join(' ') : '0 seconds';
}

/** 423 with the remaining time in words and in `retry_after_seconds` (the filter also sets `Retry-After`). */
export class AccountLockedError extends DomainError {
  constructor(retryAfterSeconds: number) {
    const seconds = Math.max(1, Math.ceil(retryAfterSeconds));
    super('ACCOUNT_LOCKED', `Too many wrong PINs. Try again in ${describeDuration(seconds)}.`, HttpStatus.LOCKED, { retry_after_seconds: seconds });
  }
}

/**
 * 429: other PIN attempts for the same phone number are still being checked and hold the rest of its
 * attempt budget (a burst of concurrent guesses). Nothing was evaluated; retry in a moment.
 */
export class PinAttemptsInProgressError extends DomainError {
  constructor(retryAfterSeconds = 1) {
    const seconds = Math.max(1, Math.ceil(retryAfterSeconds));
    super(
      'PIN_ATTEMPTS_IN_PROGRESS',
      `Other PIN attempts for this phone number are still being checked. Try again in ${describeDuration(seconds)}.`,
      HttpStatus.TOO_MANY_REQUESTS,
      { retry_after_seconds: seconds },
    );
  }
}

export class InvalidOldPinError extends BusinessRuleError {
  constructor() {
    super('INVALID_OLD_PIN', 'The old PIN is not correct.');
  }
}

export class SamePinError extends BusinessRuleError {
  constructor() {
    super('SAME_PIN', 'The new PIN must be different from the old PIN.');
  }
}
