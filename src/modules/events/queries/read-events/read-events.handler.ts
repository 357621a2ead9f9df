import { IQueryHandler, QueryHandler } from '@nestjs/cqrs';
import { AppConfig } from '../../../../config/app-config';
import { entryId } from '../../../wallet/domain/ledger-entry';
import { LedgerRepository } from '../../../wallet/persistence/ledger.repository';
import { toWalletEvent, WalletEvent } from '../../domain/wallet-event';
import { ReadEventsQuery } from './read-events.query';

/**
 * Reads events straight from the ledger: the event of cursor n is the wallet's entry n, so the events
 * after a cursor are the entries n+1, n+2, … up to the first slot not written yet (`_id` reads).
 */
@QueryHandler(ReadEventsQuery)
export class ReadEventsHandler implements IQueryHandler<ReadEventsQuery, WalletEvent[]> {
  constructor(
    private readonly ledger: LedgerRepository,
    private readonly config: AppConfig,
  ) {}

  async execute(q: ReadEventsQuery): Promise<WalletEvent[]> {
    const events: WalletEvent[] = [];
    for (let seq = q.after + 1; events.length < q.limit; seq++) {
      const entry = await this.ledger.findEntry(entryId(q.userId, seq));
      if (!entry) break;
      events.push(toWalletEvent(entry, this.config.timeZone));
    }
    return events;
  }
}
