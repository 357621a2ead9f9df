import { Global, Module } from '@nestjs/common';
import { makeCounterProvider } from '@willsoto/nestjs-prometheus';

/**
 * `dompet_events_produced_total{kind}`: events produced by this process, one per ledger entry it wrote
 * (`kind` = the entry type: TOP_UP, PAYMENT, TRANSFER_OUT, …) and one per status event it recorded
 * (`kind` = the event type: transfer.succeeded, wallet.frozen, wallet.unfrozen). Global, because the
 * writers of both (the ledger, the status-event log) live in modules that cannot import each other.
 */
export const EVENTS_PRODUCED_METRIC = 'dompet_events_produced_total';

const producedEvents = makeCounterProvider({ name: EVENTS_PRODUCED_METRIC, help: 'Events produced: ledger entries (by entry type) and status events (by type) written by this process', labelNames: ['kind'] });

@Global()
@Module({ providers: [producedEvents], exports: [producedEvents] })
export class EventMetricsModule {}
