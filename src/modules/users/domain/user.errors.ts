import { HttpStatus } from '@nestjs/common';
import { BusinessRuleError, ConflictError, DomainError, NotFoundError } from '../../../common/errors';

export class PhoneAlreadyRegisteredError extends ConflictError {
  constructor() {
    super('PHONE_ALREADY_REGISTERED', 'Phone Number already registered');
  }
}

export class UserNotFoundError extends NotFoundError {
  constructor() {
    super('User', 'USER_NOT_FOUND');
  }
}

/** Another request is changing the same user right now (the per-user write lock stayed busy). */
export class UserBusyError extends DomainError {
  constructor() {
    super('USER_BUSY', 'This user is being updated by another request; please retry', HttpStatus.CONFLICT);
  }
}

/** An administrator may not demote or deactivate their own account (it could leave nobody able to administer). */
export class OwnAccountChangeError extends BusinessRuleError {
  constructor(what: string) {
    super('OWN_ACCOUNT_CHANGE_REFUSED', `You cannot ${what} your own account`);
  }
}
