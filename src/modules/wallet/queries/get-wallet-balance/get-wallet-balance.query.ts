import { Query } from '@nestjs/cqrs';

export class GetWalletBalanceQuery extends Query<{ balance: number }> {
  constructor(readonly userId: string) {
    super();
  }
}
