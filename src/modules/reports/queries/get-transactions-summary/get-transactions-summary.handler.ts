import { Logger } from '@nestjs/common';
import { IQueryHandler, QueryHandler } from '@nestjs/cqrs';
import { AppConfig } from '../../../../config/app-config';
import { EntryType, NO_TOTALS, RunningTotals, totalsBetween, totalsOf, LedgerService } from '../../../wallet';
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
 *
 * The totals are the difference of two entries' running totals (the last of the period and the one
 * before it): at most two `_id` reads whatever the length of the period. Entries written before running
 * totals existed (not backfilled yet) have none; then the period's entries are summed as they are read.
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

    const counts: Record<EntryType, number> = { TOP_UP: 0, PAYMENT: 0, TRANSFER_IN: 0, TRANSFER_OUT: 0, TRANSFER_REFUND: 0, HOLD: 0, HOLD_RELEASE: 0 };
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

    // The entry before the period gives the opening balance and the totals carried in (none before
    // seq 1); the last entry of the period the closing ones, which the head already holds when the
    // period runs to it. At most two `_id` reads.
    const fromHead = highest === head.seq && head.running !== undefined;
    const [previous, last] = await Promise.all([
      lowest > 1 ? this.reader.entryAt(walletId, lowest - 1) : Promise.resolve(null),
      fromHead ? Promise.resolve(null) : this.reader.entryAt(walletId, highest),
    ]);
    summary.opening_balance = lowest > 1 ? (previous?.balance_after ?? 0) : 0;
    summary.closing_balance = fromHead ? head.balance : (last?.balance_after ?? 0);
    const carried = lowest === 1 ? NO_TOTALS : totalsOf(previous?.running);
    const through = fromHead ? head.running : totalsOf(last?.running);
    if (through && carried) {
      if (this.apply(summary, totalsBetween(through, carried), lowest, highest)) return summary;
      this.logger.error({ wallet_id: walletId, lowest, highest }, 'running totals of the period do not reconcile; summing the entries');
    }

    // Entries without running totals (written before them), or totals that do not reconcile: sum the entries.
    const totals = { credit: 0, debit: 0, counts: { ...NO_TOTALS.counts } };
    for (const b of await this.reader.totals({ walletId, lowest, highest })) {
      totals.counts[b.entryType] += b.count;
      if (DIRECTION_OF[b.entryType] === 'CREDIT') totals.credit += b.amount;
      else totals.debit += b.amount;
    }
    if (!this.apply(summary, totals, lowest, highest)) {
      this.logger.error({ wallet_id: walletId, lowest, highest, summary }, 'ledger entries of the period do not reconcile');
    }
    return summary;
  }

  /** Puts the period's totals into the summary; false when they do not reconcile its balances and length. */
  private apply(summary: TransactionsSummary, totals: RunningTotals, lowest: number, highest: number): boolean {
    summary.total_credit = totals.credit;
    summary.total_debit = totals.debit;
    Object.assign(summary.counts, totals.counts);
    summary.count = Object.values(totals.counts).reduce((n, c) => n + c, 0);
    return summary.count === highest - lowest + 1 && summary.opening_balance + summary.total_credit - summary.total_debit === summary.closing_balance;
  }
}
