import { Injectable } from '@nestjs/common';
import { AppConfig } from '../../../config/app-config';
import { UnauthenticatedError } from '../../../common/errors';
import { UsersRepository, UserRecord } from '../../users';
import { AccountInactiveError, AmountTooLargeError, WalletFrozenError } from './wallet.errors';

/** The checks every movement of a user's own money makes before it reaches the ledger. */
@Injectable()
export class WalletAccess {
  constructor(
    private readonly users: UsersRepository,
    private readonly config: AppConfig,
  ) {}

  checkAmount(amount: number): void {
    if (amount > this.config.maxTransactionAmount) throw new AmountTooLargeError(this.config.maxTransactionAmount);
  }

  /** The owner of the wallet, active and not frozen. */
  async usableWallet(userId: string): Promise<UserRecord> {
    return this.assertUsable(await this.users.findById(userId));
  }

  /** The same check on a user record already read (null: the user does not exist). */
  assertUsable(user: UserRecord | null): UserRecord {
    if (!user) throw new UnauthenticatedError();
    if (user.status !== 'ACTIVE') throw new AccountInactiveError();
    if (user.wallet_frozen) throw new WalletFrozenError();
    return user;
  }
}
