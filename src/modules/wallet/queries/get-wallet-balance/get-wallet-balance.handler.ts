import { IQueryHandler, QueryHandler } from '@nestjs/cqrs';
import { LedgerService } from '../../ledger/ledger.service';
import { GetWalletBalanceQuery } from '../../../users';

@QueryHandler(GetWalletBalanceQuery)
export class GetWalletBalanceHandler implements IQueryHandler<GetWalletBalanceQuery, { balance: number }> {
  constructor(private readonly ledger: LedgerService) {}

  async execute(query: GetWalletBalanceQuery): Promise<{ balance: number }> {
    const head = await this.ledger.balanceOf(query.userId);
    return { balance: head.balance };
  }
}
