import { IQueryHandler, QueryHandler } from '@nestjs/cqrs';
import { AppConfig } from '../../../../config/app-config';
import { formatDateTime } from '../../../../common/util/time';
import { entryId, LedgerRepository } from '../../../wallet';
import { LedgerItem, mergeEvents, StatusItem } from '../../domain/event-cursor';
import { toWalletEvent, transferSucceededData, WalletEvent } from '../../domain/wallet-event';
import { StatusEventDocument, StatusEventLog } from '../../../status-events';
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
    const docs = await this.statusEvents.readAfter(q.userId, q.after.n, q.limit);
    const payloads = await Promise.all(docs.map((doc) => this.payloadOf(doc)));
    const status: StatusItem[] = docs.map((doc, i) => ({
      n: doc.n,
      afterSeq: doc.after_seq,
      at: doc.created_at.getTime(),
      event: { id: '', event_id: doc.key, type: doc.type, user_id: doc.user_id, created_date: formatDateTime(doc.created_at, tz), data: payloads[i] },
    }));
    const ledger: LedgerItem[] = [];
    for (let seq = q.after.seq + 1; ledger.length < q.limit; seq++) {
      const entry = await this.ledger.findEntry(entryId(q.userId, seq));
      if (!entry) break;
      ledger.push({ seq, at: entry.created_at.getTime(), event: toWalletEvent(entry, tz) });
    }
    return mergeEvents(q.after, ledger, status, { ledgerFull: ledger.length === q.limit, statusFull: status.length === q.limit });
  }

  /**
   * The payload of a status event: as recorded, or for a `transfer.succeeded` recorded without one
   * (since 2026-11-29) the sender's debit entry at `after_seq` as a settled report row, the payload an
   * earlier version recorded (the entry is never rewritten, save its status, which the row sets).
   */
  private async payloadOf(doc: StatusEventDocument): Promise<WalletEvent['data']> {
    if (doc.data) return doc.data as unknown as WalletEvent['data'];
    if (doc.type !== 'transfer.succeeded') throw new Error(`status event ${doc._id} has no payload`);
    const debit = await this.ledger.findEntry(entryId(doc.user_id, doc.after_seq));
    if (!debit) throw new Error(`status event ${doc._id}: debit entry ${doc.after_seq} not found`);
    return transferSucceededData(debit, this.config.timeZone);
  }
}
