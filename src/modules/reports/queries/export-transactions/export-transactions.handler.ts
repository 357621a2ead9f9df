import { IQueryHandler, QueryHandler } from '@nestjs/cqrs';
import { periodFileLabel } from '../../domain/report-period';
import { REPORT_COLUMNS, toReportRow } from '../../domain/report-row';
import { LedgerReader } from '../../persistence/ledger-reader';
import { ReportWindow } from '../../services/report-window';
import { CsvExport, ExportTransactionsQuery } from './export-transactions.query';

/** Rows handed to the CSV writer at a time (a block of the ledger). */
export const EXPORT_BATCH_ROWS = 100;

/**
 * Validates and locates everything before the first byte is sent (so a bad request is still a JSON
 * 400), then hands out the rows of the range as they are read, as cells in `REPORT_COLUMNS` order (`LedgerReader.stream`: batches or
 * blocks of entries, never the whole period); the HTTP layer writes them as CSV (`sendCsv`).
 */
@QueryHandler(ExportTransactionsQuery)
export class ExportTransactionsHandler implements IQueryHandler<ExportTransactionsQuery, CsvExport> {
  constructor(
    private readonly reader: LedgerReader,
    private readonly window: ReportWindow,
  ) {}

  async execute({ subject, request }: ExportTransactionsQuery): Promise<CsvExport> {
    const scope = await this.window.scope(subject, request);
    const { range } = await this.window.bounds(scope);
    const label = periodFileLabel(scope.selection.period, this.window.timeZone, new Date());
    const timeZone = this.window.timeZone;
    const reader = this.reader;
    async function* batches(): AsyncGenerator<unknown[][]> {
      let batch: unknown[][] = [];
      for await (const entry of reader.stream(range, scope.selection)) {
        const row = toReportRow(entry, timeZone) as unknown as Record<string, unknown>;
        batch.push(REPORT_COLUMNS.map((column) => row[column]));
        if (batch.length >= EXPORT_BATCH_ROWS) {
          yield batch;
          batch = [];
        }
      }
      if (batch.length) yield batch;
    }
    return { filename: `transactions-${label.from}-${label.to}.csv`, batches: batches() };
  }
}
