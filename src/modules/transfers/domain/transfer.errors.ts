import { BusinessRuleError, NotFoundError } from '../../../common/errors';

export class SelfTransferError extends BusinessRuleError {
  constructor() {
    super('SELF_TRANSFER', 'You cannot transfer to yourself');
  }
}

export class TargetUserNotFoundError extends NotFoundError {
  constructor() {
    super('Target user', 'TARGET_USER_NOT_FOUND');
  }
}

export class ReceiverUnavailableError extends BusinessRuleError {
  constructor(reason: 'inactive' | 'frozen') {
    super(
      reason === 'frozen' ? 'RECEIVER_WALLET_FROZEN' : 'RECEIVER_INACTIVE',
      reason === 'frozen' ? "The receiver's wallet is frozen" : 'The receiver cannot receive transfers',
    );
  }
}

export class TransferNotFoundError extends NotFoundError {
  constructor() {
    super('Transfer', 'TRANSFER_NOT_FOUND');
  }
}

/**
 * A transfer's settlement cannot be written yet because it would take a wallet above the maximum
 * balance (a refund to a sender who filled the wallet meanwhile). Nothing moved; the execution is
 * retried (job backoff, then the recovery sweep) until it fits. Raised in the worker only.
 */
export class RefundHeldError extends Error {
  constructor(transferId: string, why: string) {
    super(`transfer ${transferId} is held: ${why}`);
    this.name = 'RefundHeldError';
  }
}
