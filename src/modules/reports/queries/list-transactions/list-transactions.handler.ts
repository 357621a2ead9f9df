import { IQueryHandler, QueryHandler } from '@nestjs/cqrs';
import { AppConfig } from '../../../../config/app-config';
import type { LedgerEntry } from '../../../wallet';
import { LedgerService } from '../../../wallet';
import { CursorPosition, ReportCursorCodec } from '../../domain/report-cursor';
import { describeSelection, entryFilter, isSelective } from '../../domain/report-filter';
import { parsePeriod } from '../../domain/report-period';
import { toReportRow } from '../../domain/report-row';
import { LedgerReader } from '../../persistence/ledger-reader';
import { PeriodLocator } from '../../services/period-locator';
import { ReportSubjects } from '../../services/report-subject';
import { ListTransactionsQuery, TransactionPage } from './list-transactions.query';
import { DEFAULT_PAGE_SIZE } from './list-transactions.request.dto';

/**
 * Most entries one filtered page may examine. A filter that matches rarely would otherwise read a
 * whole history for one page: when the budget runs out the page holds what was found (maybe
 * nothing) with `has_more: true` and a cursor that continues below the examined entries.
 */
export const MAX_EXAMINED_PER_PAGE = 5000;

/**
 * A page is one read of a bounded part of the wallet's chain, newest first (the reader picks the
 * query shape per backend, see `MongoLedgerReader`):
 * - the newest page (no cursor, no filter, no period): the newest `limit` entries (`newest`), with no
 *   separate read of the head;
 * - a plain page after a cursor: exactly the `limit` entries below it (the chain is contiguous);
 * - a filtered page: the next `MAX_EXAMINED_PER_PAGE` entries at most, of which the first `limit + 1`
 *   that match are read (the extra one only tells that more exist);
 * - a period is turned into seq bounds once (binary search) and carried by the cursor.
 */
@QueryHandler(ListTransactionsQuery)
export class ListTransactionsHandler implements IQueryHandler<ListTransactionsQuery, TransactionPage> {
  constructor(
    private readonly reader: LedgerReader,
    private readonly ledger: LedgerService,
    private readonly locator: PeriodLocator,
    private readonly subjects: ReportSubjects,
    private readonly cursors: ReportCursorCodec,
    private readonly config: AppConfig,
  ) {}

  async execute({ subject, request }: ListTransactionsQuery): Promise<TransactionPage> {
    const period = parsePeriod(request, this.config.timeZone);
    const filter = entryFilter({ type: request.type, transactionType: request.transaction_type, status: request.status });
    const limit = request.limit ?? DEFAULT_PAGE_SIZE;
    const walletId = await this.subjects.walletOf(subject);
    const selection = describeSelection(walletId, filter, period);

    if (!request.cursor && !isSelective(filter) && !period.from && !period.toExclusive) {
      // The newest page of the whole history: no head read and no window to compute first.
      const page = await this.reader.newest(walletId, limit);
      const last = page[page.length - 1];
      const next: CursorPosition | null = last && last.seq > 1 ? { beforeSeq: last.seq, lowestSeq: 1 } : null;
      return this.toPage(page, next, selection);
    }

    let lowest: number;
    let highest: number;
    if (request.cursor) {
      const position = this.cursors.decode(request.cursor, selection);
      lowest = position.lowestSeq;
      highest = position.beforeSeq - 1;
    } else {
      const head = await this.ledger.balanceOf(walletId);
      ({ lowest, highest } = await this.locator.locate(walletId, period, head.seq));
    }
    if (highest < lowest) return { rows: [], pagination: { next_cursor: null, has_more: false } };

    const span = isSelective(filter) ? MAX_EXAMINED_PER_PAGE : limit;
    const windowLow = Math.max(lowest, highest - span + 1);
    const found = await this.reader.newestFirst({ walletId, lowest: windowLow, highest }, { filter, period }, limit + 1);

    let next: CursorPosition | null = null;
    const page = found.slice(0, limit);
    if (found.length > limit) next = { beforeSeq: page[page.length - 1].seq, lowestSeq: lowest };
    else if (windowLow > lowest) next = { beforeSeq: windowLow, lowestSeq: lowest };

    return this.toPage(page, next, selection);
  }

  private toPage(entries: LedgerEntry[], next: CursorPosition | null, selection: string): TransactionPage {
    return {
      rows: entries.map((entry) => toReportRow(entry, this.config.timeZone)),
      pagination: { next_cursor: next ? this.cursors.encode(next, selection) : null, has_more: next !== null },
    };
  }
}
