import { Query } from '@nestjs/cqrs';
import type { Pagination } from '../../../../common/http/envelope';
import type { ReportRow } from '../../domain/report-row';
import type { ReportSubject } from '../../services/report-subject';
import type { ListTransactionsRequestDto } from './list-transactions.request.dto';

export interface TransactionPage {
  rows: ReportRow[];
  pagination: Pagination;
}

/** One page of a wallet's entries, newest first, optionally filtered. */
export class ListTransactionsQuery extends Query<TransactionPage> {
  constructor(
    readonly subject: ReportSubject,
    readonly request: ListTransactionsRequestDto,
  ) {
    super();
  }
}
