import { EventsHandler, IEventHandler } from '@nestjs/cqrs';
import { InjectMetric } from '@willsoto/nestjs-prometheus';
import type { Counter } from 'prom-client';
import { TransferCompletedEvent, TransferFailedEvent } from '../domain/transfer.events';

export const TRANSFERS_SETTLED_METRIC = 'dompet_transfers_settled_total';

/** Counts settled transfers by outcome for `/metrics`. */
@EventsHandler(TransferCompletedEvent, TransferFailedEvent)
export class TransferMetricsHandler implements IEventHandler<TransferCompletedEvent | TransferFailedEvent> {
  constructor(@InjectMetric(TRANSFERS_SETTLED_METRIC) private readonly settled: Counter<string>) {}

  handle(event: TransferCompletedEvent | TransferFailedEvent): void {
    if (event instanceof TransferCompletedEvent) this.settled.inc({ outcome: 'SUCCESS', reason: '' });
    else this.settled.inc({ outcome: 'FAILED', reason: event.reason });
  }
}
