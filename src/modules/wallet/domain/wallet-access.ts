import { Injectable } from '@nestjs/common';
import { AppConfig } from '../../../config/app-config';
import { UnauthenticatedError } from '../../../common/errors';
import { UserState, UserStates } from '../../users';
import { AccountInactiveError, AmountTooLargeError, WalletFrozenError } from './wallet.errors';

/** The checks every movement of a user's own money makes before it reaches the ledger. */
@Injectable()
export class WalletAccess {
  constructor(
    private readonly users: UserStates,
    private readonly config: AppConfig,
  ) {}

  checkAmount(amount: number): void {
    if (amount > this.config.maxTransactionAmount) throw new AmountTooLargeError(this.config.maxTransactionAmount);
  }

  /**
   * Refuses unless the owner is active and the wallet not frozen. `knownFrozen` is the flag the request's
   * session check already has (it only lets active users through): then nothing is read. Otherwise the
   * user's state comes from the same session cache (`UserStates`), MongoDB when the cache does not hold
   * it. Either is as fresh as a freeze: it is published to the session cache before it is answered.
   */
  async usableWallet(userId: string, knownFrozen?: boolean): Promise<void> {
    if (knownFrozen === undefined) this.assertUsable(await this.users.findById(userId));
    else if (knownFrozen) throw new WalletFrozenError();
  }

  /** The same check on a user record already read (null: the user does not exist). */
  assertUsable<U extends Pick<UserState, 'status' | 'wallet_frozen'>>(user: U | null): U {
    if (!user) throw new UnauthenticatedError();
    if (user.status !== 'ACTIVE') throw new AccountInactiveError();
    if (user.wallet_frozen) throw new WalletFrozenError();
    return user;
  }
}
