import { IQueryHandler, QueryHandler } from '@nestjs/cqrs';
import { AppConfig } from '../../../../config/app-config';
import { LedgerService } from '../../../wallet';
import { csvLine } from '../../domain/csv';
import { entryFilter, EntryFilter, Period } from '../../domain/report-filter';
import { parsePeriod, periodFileLabel } from '../../domain/report-period';
import { REPORT_COLUMNS, toReportRow } from '../../domain/report-row';
import { LedgerReader, SeqRange } from '../../persistence/ledger-reader';
import { PeriodLocator } from '../../services/period-locator';
import { ReportSubjects } from '../../services/report-subject';
import { CsvExport, ExportTransactionsQuery } from './export-transactions.query';

/** Characters of CSV gathered before a chunk is handed to the response (whole lines, so a chunk may be a line longer). */
export const CSV_CHUNK_CHARS = 64 * 1024;

/**
 * Validates and locates everything before the first byte is sent (so a bad request is still a JSON
 * 400), then streams the range (`LedgerReader.stream`: batches or blocks of entries, never the
 * whole period) and yields the CSV in chunks of about `CSV_CHUNK_CHARS` (whole lines, the header
 * first): what it keeps stays flat whatever the size of the export. One step of the async iteration
 * per chunk rather than per line, so the steps' promises and result objects are allocated per chunk
 * (docs/performance.md, Memory).
 */
@QueryHandler(ExportTransactionsQuery)
export class ExportTransactionsHandler implements IQueryHandler<ExportTransactionsQuery, CsvExport> {
  constructor(
    private readonly reader: LedgerReader,
    private readonly ledger: LedgerService,
    private readonly locator: PeriodLocator,
    private readonly subjects: ReportSubjects,
    private readonly config: AppConfig,
  ) {}

  async execute({ subject, request }: ExportTransactionsQuery): Promise<CsvExport> {
    const timeZone = this.config.timeZone;
    const period = parsePeriod(request, timeZone);
    const filter = entryFilter({ type: request.type, transactionType: request.transaction_type, status: request.status });
    const walletId = await this.subjects.walletOf(subject);
    const head = await this.ledger.balanceOf(walletId);
    const { lowest, highest } = await this.locator.locate(walletId, period, head.seq);
    const label = periodFileLabel(period, timeZone, new Date());
    return {
      filename: `transactions-${label.from}-${label.to}.csv`,
      chunks: this.lines({ walletId, lowest, highest }, filter, period),
    };
  }

  private async *lines(range: SeqRange, filter: EntryFilter, period: Period): AsyncGenerator<string> {
    const timeZone = this.config.timeZone;
    let chunk = csvLine(REPORT_COLUMNS);
    if (range.highest >= range.lowest) {
      for await (const entry of this.reader.stream(range, { filter, period })) {
        const row = toReportRow(entry, timeZone) as unknown as Record<string, unknown>;
        chunk += csvLine(REPORT_COLUMNS.map((column) => row[column]));
        if (chunk.length >= CSV_CHUNK_CHARS) {
          yield chunk;
          chunk = '';
        }
      }
    }
    if (chunk) yield chunk;
  }
}
