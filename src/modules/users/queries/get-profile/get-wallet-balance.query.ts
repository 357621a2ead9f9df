import { Query } from '@nestjs/cqrs';

/**
 * The balance of a user's wallet, asked by the profile (`GetProfileHandler`) over the query bus and
 * answered by the wallet module (`GetWalletBalanceHandler`), which owns the ledger. The query is
 * declared here, by the module that asks, so that the import runs one way only: wallet depends on
 * users (it checks the account before moving money), users never imports wallet.
 */
export class GetWalletBalanceQuery extends Query<{ balance: number }> {
  constructor(readonly userId: string) {
    super();
  }
}
