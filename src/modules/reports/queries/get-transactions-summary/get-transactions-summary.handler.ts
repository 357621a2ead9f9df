import { IQueryHandler, QueryHandler } from '@nestjs/cqrs';
import { describePeriod } from '../../domain/report-period';
import { LedgerReader } from '../../persistence/ledger-reader';
import { ReportWindow } from '../../services/report-window';
import { GetTransactionsSummaryQuery, TransactionsSummary } from './get-transactions-summary.query';

/**
 * Every entry of the period counts, whatever its status: a transfer's debit moved money even if
 * the transfer later FAILED (its refund is a separate credit in the period it happened), so the
 * totals always reconcile the opening and closing balances. The reader takes them from the running
 * totals of at most two entries (`LedgerReader.summarize`).
 */
@QueryHandler(GetTransactionsSummaryQuery)
export class GetTransactionsSummaryHandler implements IQueryHandler<GetTransactionsSummaryQuery, TransactionsSummary> {
  constructor(
    private readonly reader: LedgerReader,
    private readonly window: ReportWindow,
  ) {}

  async execute({ subject, request }: GetTransactionsSummaryQuery): Promise<TransactionsSummary> {
    const scope = await this.window.scope(subject, request);
    const { range, head } = await this.window.bounds(scope);
    const { opening, closing, totals } = await this.reader.summarize(range, head!);
    return {
      ...describePeriod(scope.selection.period, this.window.timeZone),
      opening_balance: opening,
      closing_balance: closing,
      total_credit: totals.credit,
      total_debit: totals.debit,
      count: Object.values(totals.counts).reduce((n, c) => n + c, 0),
      counts: Object.assign({ TOP_UP: 0, PAYMENT: 0, TRANSFER_IN: 0, TRANSFER_OUT: 0, TRANSFER_REFUND: 0, HOLD: 0, HOLD_RELEASE: 0 }, totals.counts), // the documented order
    };
  }
}
