import { Query } from '@nestjs/cqrs';
import type { EntryType } from '../../../wallet';
import type { ReportSubject } from '../../services/report-subject';
import type { GetTransactionsSummaryRequestDto } from './get-transactions-summary.request.dto';

export interface TransactionsSummary {
  /** Inclusive bounds of the period as `YYYY-MM-DD HH:mm:ss`, null when open. */
  from: string | null;
  to: string | null;
  opening_balance: number;
  closing_balance: number;
  total_credit: number;
  total_debit: number;
  count: number;
  counts: Record<EntryType, number>;
}

/** Money in and out of a wallet over a period: `opening_balance + total_credit - total_debit = closing_balance`. */
export class GetTransactionsSummaryQuery extends Query<TransactionsSummary> {
  constructor(
    readonly subject: ReportSubject,
    readonly request: GetTransactionsSummaryRequestDto,
  ) {
    super();
  }
}
