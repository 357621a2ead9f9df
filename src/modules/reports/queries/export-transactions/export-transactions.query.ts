import { Query } from '@nestjs/cqrs';
import type { ReportSubject } from '../../services/report-subject';
import type { ExportTransactionsRequestDto } from './export-transactions.request.dto';

/** A CSV file to stream: its name and its records (the cells of `REPORT_COLUMNS`), newest first, in batches produced as they are read. */
export interface CsvExport {
  filename: string;
  batches: AsyncIterable<unknown[][]>;
}

/** Every entry of a wallet that matches the filters, newest first, as CSV. */
export class ExportTransactionsQuery extends Query<CsvExport> {
  constructor(
    readonly subject: ReportSubject,
    readonly request: ExportTransactionsRequestDto,
  ) {
    super();
  }
}
