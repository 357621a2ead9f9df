// Public surface of the status-events module: the per-user log of events that are not ledger entries
// (transfer.succeeded, wallet.frozen, wallet.unfrozen). A leaf module: users and transfers record into
// it, the events and reports modules (and reconciliation) read it, and it imports no other module.
export { StatusEventsModule } from './status-events.module';
export { StatusEventLog } from './status-event-log';
export type { StatusEventInput } from './status-event-log';
export { STATUS_EVENTS_COLLECTION, StatusEventDocument } from './status-event.schema';
export { STATUS_EVENT_TYPES, transferSucceededKey, walletStatusKey } from './status-event';
export type { StatusEventType, WalletStatusData } from './status-event';
