import { Injectable } from '@nestjs/common';
import { AppConfig } from '../../../config/app-config';
import { CursorPosition, ReportCursorCodec } from '../domain/report-cursor';
import { describeSelection, entryFilter, isSelective } from '../domain/report-filter';
import { parsePeriod } from '../domain/report-period';
import type { ReportFiltersRequestDto } from '../http/report-filters.request.dto';
import { LedgerReader, SeqRange, Selection, WalletHead } from '../persistence/ledger-reader';
import { PeriodLocator } from './period-locator';
import { ReportSubject, ReportSubjects } from './report-subject';

/** What a report asks for: a period, for the listing and the export filters, for the listing a cursor. */
export type ReportRequest = Pick<ReportFiltersRequestDto, 'from' | 'to'> & Partial<Pick<ReportFiltersRequestDto, 'type' | 'transaction_type' | 'status'>> & { cursor?: string };

/** The wallet a report reads and what it selects there, validated. */
export interface ReportScope {
  walletId: string;
  selection: Selection;
  /** The selection in the text form a cursor is bound to (wallet, filters, period). */
  key: string;
  cursor?: string;
}

/** The part of the chain a report reads; `head` when it was read to find it (not for a cursor). */
export interface ReportBounds {
  range: SeqRange;
  head?: WalletHead;
}

/**
 * The steps every report takes before it reads entries: the period and the filters parsed (a bad one
 * is a 400 before any read), the wallet resolved from the subject (404 for an admin naming nobody),
 * then the seq bounds of the period — from the cursor when there is one (no read), else from the
 * wallet's head and a binary search of the period's ends (`PeriodLocator`).
 */
@Injectable()
export class ReportWindow {
  constructor(
    private readonly reader: LedgerReader,
    private readonly locator: PeriodLocator,
    private readonly subjects: ReportSubjects,
    private readonly cursors: ReportCursorCodec,
    private readonly config: AppConfig,
  ) {}

  get timeZone(): string {
    return this.config.timeZone;
  }

  async scope(subject: ReportSubject, request: ReportRequest): Promise<ReportScope> {
    const period = parsePeriod(request, this.config.timeZone);
    const filter = entryFilter({ type: request.type, transactionType: request.transaction_type, status: request.status });
    const walletId = await this.subjects.walletOf(subject);
    return { walletId, selection: { filter, period }, key: describeSelection(walletId, filter, period), cursor: request.cursor };
  }

  /** True for the newest page of the whole history: no cursor, no filter, no period (nothing to locate). */
  isWholeHistory({ selection: { filter, period }, cursor }: ReportScope): boolean {
    return !cursor && !isSelective(filter) && !period.from && !period.toExclusive;
  }

  async bounds(scope: ReportScope): Promise<ReportBounds> {
    const { walletId, cursor } = scope;
    if (cursor) {
      const position = this.cursors.decode(cursor, scope.key);
      return { range: { walletId, lowest: position.lowestSeq, highest: position.beforeSeq - 1 } };
    }
    const head = await this.reader.head(walletId);
    const { lowest, highest } = await this.locator.locate(walletId, scope.selection.period, head.seq);
    return { range: { walletId, lowest, highest }, head };
  }

  /** The cursor of the next page (null: none). */
  cursorAfter(scope: ReportScope, next: CursorPosition | null): string | null {
    return next ? this.cursors.encode(next, scope.key) : null;
  }
}
