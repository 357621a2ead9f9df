import { BusinessRuleError, ConflictError, NotFoundError } from '../../../common/errors';

export class HoldNotFoundError extends NotFoundError {
  constructor() {
    super('Hold', 'HOLD_NOT_FOUND');
  }
}

export class HoldExpiredError extends BusinessRuleError {
  constructor() {
    super('HOLD_EXPIRED', 'This hold has expired; its money was released');
  }
}

export class HoldAlreadyCapturedError extends ConflictError {
  constructor() {
    super('HOLD_ALREADY_CAPTURED', 'This hold was already captured');
  }
}

export class HoldVoidedError extends ConflictError {
  constructor() {
    super('HOLD_VOIDED', 'This hold was voided; its money was released');
  }
}

export class CaptureExceedsHoldError extends BusinessRuleError {
  constructor(held: number) {
    super('CAPTURE_EXCEEDS_HOLD', `The capture must not be greater than the held amount of ${held}`, { held_amount: held });
  }
}

/**
 * The release of a decided hold cannot be written yet: it would take the wallet above the maximum
 * balance (the owner filled the wallet while the money was held). Nothing moved; the expiry job (then
 * the recovery sweep) retries until it fits. Raised in the worker only.
 */
export class ReleaseHeldError extends Error {
  constructor(holdId: string) {
    super(`hold ${holdId}: the release waits for room in the wallet`);
    this.name = 'ReleaseHeldError';
  }
}
