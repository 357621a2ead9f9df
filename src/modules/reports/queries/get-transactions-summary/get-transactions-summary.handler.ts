import { Logger } from '@nestjs/common';
import { IQueryHandler, QueryHandler } from '@nestjs/cqrs';
import { AppConfig } from '../../../../config/app-config';
import type { EntryType } from '../../../wallet/domain/ledger-entry';
import { LedgerService } from '../../../wallet/ledger/ledger.service';
import { DIRECTION_OF } from '../../domain/report-filter';
import { describePeriod, parsePeriod } from '../../domain/report-period';
import { LedgerReader } from '../../persistence/ledger-reader';
import { PeriodLocator } from '../../services/period-locator';
import { ReportSubjects } from '../../services/report-subject';
import { GetTransactionsSummaryQuery, TransactionsSummary } from './get-transactions-summary.query';

/**
 * Every entry of the period counts, whatever its status: a transfer's debit moved money even if
 * the transfer later FAILED (its refund is a separate credit in the period it happened), so the
 * totals always reconcile the opening and closing balances.
 */
@QueryHandler(GetTransactionsSummaryQuery)
export class GetTransactionsSummaryHandler implements IQueryHandler<GetTransactionsSummaryQuery, TransactionsSummary> {
  private readonly logger = new Logger(GetTransactionsSummaryHandler.name);

  constructor(
    private readonly reader: LedgerReader,
    private readonly ledger: LedgerService,
    private readonly locator: PeriodLocator,
    private readonly subjects: ReportSubjects,
    private readonly config: AppConfig,
  ) {}

  async execute({ subject, request }: GetTransactionsSummaryQuery): Promise<TransactionsSummary> {
    const period = parsePeriod(request, this.config.timeZone);
    const walletId = await this.subjects.walletOf(subject);
    const head = await this.ledger.balanceOf(walletId);
    const { lowest, highest } = await this.locator.locate(walletId, period, head.seq);

    const counts: Record<EntryType, number> = { TOP_UP: 0, PAYMENT: 0, TRANSFER_IN: 0, TRANSFER_OUT: 0, TRANSFER_REFUND: 0 };
    const summary: TransactionsSummary = {
      ...describePeriod(period, this.config.timeZone),
      opening_balance: 0,
      closing_balance: 0,
      total_credit: 0,
      total_debit: 0,
      count: 0,
      counts,
    };
    if (highest < lowest) {
      // Nothing happened in the period: the balance is what it was after the last earlier entry.
      const before = Math.min(lowest - 1, head.seq);
      const balance = before === head.seq ? head.balance : before > 0 ? ((await this.reader.entryAt(walletId, before))?.balance_after ?? 0) : 0;
      summary.opening_balance = summary.closing_balance = balance;
      return summary;
    }

    const [buckets, first, last] = await Promise.all([
      this.reader.totals({ walletId, lowest, highest }),
      this.reader.entryAt(walletId, lowest),
      this.reader.entryAt(walletId, highest),
    ]);
    for (const b of buckets) {
      counts[b.entryType] = (counts[b.entryType] ?? 0) + b.count;
      summary.count += b.count;
      if (DIRECTION_OF[b.entryType] === 'CREDIT') summary.total_credit += b.amount;
      else summary.total_debit += b.amount;
    }
    summary.opening_balance = first?.balance_before ?? 0;
    summary.closing_balance = last?.balance_after ?? 0;
    if (summary.count !== highest - lowest + 1 || summary.opening_balance + summary.total_credit - summary.total_debit !== summary.closing_balance) {
      this.logger.error({ wallet_id: walletId, lowest, highest, summary }, 'ledger entries of the period do not reconcile');
    }
    return summary;
  }
}
