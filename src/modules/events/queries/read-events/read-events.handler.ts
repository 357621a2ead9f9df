import { IQueryHandler, QueryHandler } from '@nestjs/cqrs';
import { AppConfig } from '../../../../config/app-config';
import { formatDateTime } from '../../../../common/util/time';
import { entryId, LedgerRepository } from '../../../wallet';
import { LedgerItem, mergeEvents, StatusItem } from '../../domain/event-cursor';
import { toWalletEvent, WalletEvent } from '../../domain/wallet-event';
import { StatusEventLog } from '../../../status-events';
import { ReadEventsQuery } from './read-events.query';

/**
 * Reads a user's events after a cursor from their two sources: the wallet's ledger entries (the event
 * of seq s is entry s) and the user's status events (slot n), `_id` reads up to the first slot not
 * written in each, then interleaves them (`mergeEvents`). The status events are read first, so the
 * ledger read that follows sees every entry they come after.
 */
@QueryHandler(ReadEventsQuery)
export class ReadEventsHandler implements IQueryHandler<ReadEventsQuery, WalletEvent[]> {
  constructor(
    private readonly ledger: LedgerRepository,
    private readonly statusEvents: StatusEventLog,
    private readonly config: AppConfig,
  ) {}

  async execute(q: ReadEventsQuery): Promise<WalletEvent[]> {
    const tz = this.config.timeZone;
    const status: StatusItem[] = (await this.statusEvents.readAfter(q.userId, q.after.n, q.limit)).map((doc) => ({
      n: doc.n,
      afterSeq: doc.after_seq,
      at: doc.created_at.getTime(),
      event: { id: '', event_id: doc.key, type: doc.type, user_id: doc.user_id, created_date: formatDateTime(doc.created_at, tz), data: doc.data as unknown as WalletEvent['data'] },
    }));
    const ledger: LedgerItem[] = [];
    for (let seq = q.after.seq + 1; ledger.length < q.limit; seq++) {
      const entry = await this.ledger.findEntry(entryId(q.userId, seq));
      if (!entry) break;
      ledger.push({ seq, at: entry.created_at.getTime(), event: toWalletEvent(entry, tz) });
    }
    return mergeEvents(q.after, ledger, status, { ledgerFull: ledger.length === q.limit, statusFull: status.length === q.limit });
  }
}
