import { IQueryHandler, QueryHandler } from '@nestjs/cqrs';
import type { LedgerEntry } from '../../../wallet';
import type { CursorPosition } from '../../domain/report-cursor';
import { isSelective } from '../../domain/report-filter';
import { toReportRow } from '../../domain/report-row';
import { LedgerReader } from '../../persistence/ledger-reader';
import { ReportScope, ReportWindow } from '../../services/report-window';
import { ListTransactionsQuery, TransactionPage } from './list-transactions.query';
import { DEFAULT_PAGE_SIZE } from './list-transactions.request.dto';

/**
 * Most entries one filtered page may examine. A filter that matches rarely would otherwise read a
 * whole history for one page: when the budget runs out the page holds what was found (maybe
 * nothing) with `has_more: true` and a cursor that continues below the examined entries.
 */
export const MAX_EXAMINED_PER_PAGE = 5000;

/**
 * A page is one read of a bounded part of the wallet's chain, newest first (the reader's adapter picks
 * the query shape for its backend):
 * - the newest page (no cursor, no filter, no period): the newest `limit` entries (`newest`), with no
 *   separate read of the head;
 * - a plain page after a cursor: exactly the `limit` entries below it (the chain is contiguous);
 * - a filtered page: the next `MAX_EXAMINED_PER_PAGE` entries at most, of which the first `limit + 1`
 *   that match are read (the extra one only tells that more exist);
 * - a period is turned into seq bounds once (`ReportWindow`) and carried by the cursor.
 */
@QueryHandler(ListTransactionsQuery)
export class ListTransactionsHandler implements IQueryHandler<ListTransactionsQuery, TransactionPage> {
  constructor(
    private readonly reader: LedgerReader,
    private readonly window: ReportWindow,
  ) {}

  async execute({ subject, request }: ListTransactionsQuery): Promise<TransactionPage> {
    const limit = request.limit ?? DEFAULT_PAGE_SIZE;
    const scope = await this.window.scope(subject, request);
    if (this.window.isWholeHistory(scope)) {
      const page = await this.reader.newest(scope.walletId, limit);
      const last = page[page.length - 1];
      return this.toPage(scope, page, last && last.seq > 1 ? { beforeSeq: last.seq, lowestSeq: 1 } : null);
    }

    const { range } = await this.window.bounds(scope);
    const { lowest, highest } = range;
    if (highest < lowest) return this.toPage(scope, [], null);
    const windowLow = Math.max(lowest, highest - (isSelective(scope.selection.filter) ? MAX_EXAMINED_PER_PAGE : limit) + 1);
    const found = await this.reader.newestFirst({ ...range, lowest: windowLow }, scope.selection, limit + 1);
    const page = found.slice(0, limit);
    if (found.length > limit) return this.toPage(scope, page, { beforeSeq: page[page.length - 1].seq, lowestSeq: lowest });
    return this.toPage(scope, page, windowLow > lowest ? { beforeSeq: windowLow, lowestSeq: lowest } : null);
  }

  private toPage(scope: ReportScope, entries: LedgerEntry[], next: CursorPosition | null): TransactionPage {
    return {
      rows: entries.map((entry) => toReportRow(entry, this.window.timeZone)),
      pagination: { next_cursor: this.window.cursorAfter(scope, next), has_more: next !== null },
    };
  }
}
