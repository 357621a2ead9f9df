import { HttpStatus } from '@nestjs/common';
import { BusinessRuleError, DomainError, ValidationFailedError } from '../../../common/errors';

export class BalanceNotEnoughError extends BusinessRuleError {
  constructor() {
    super('BALANCE_NOT_ENOUGH', 'Balance is not enough');
  }
}

export class BalanceLimitExceededError extends BusinessRuleError {
  constructor(maxBalance: number) {
    super('BALANCE_LIMIT_EXCEEDED', `This would take the balance above the maximum of ${maxBalance}`, { max_balance: maxBalance });
  }
}

export class WalletFrozenError extends BusinessRuleError {
  constructor(whose: 'Your' | 'The receiver\'s' = 'Your') {
    super('WALLET_FROZEN', `${whose} wallet is frozen`);
  }
}

export class AccountInactiveError extends BusinessRuleError {
  constructor() {
    super('ACCOUNT_INACTIVE', 'This account is deactivated');
  }
}

export class AmountTooLargeError extends ValidationFailedError {
  constructor(max: number) {
    super(`Validation failed: amount must not be greater than ${max}`, { amount: [`amount must not be greater than ${max}`] });
  }
}

/** The wallet stayed contended for longer than the retry budget: nothing was written, the client may retry. */
export class LedgerBusyError extends DomainError {
  constructor() {
    super('LEDGER_BUSY', 'The wallet is busy, please retry', HttpStatus.SERVICE_UNAVAILABLE);
  }
}
