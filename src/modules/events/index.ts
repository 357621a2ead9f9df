// Public surface of the events module (wallet events over SSE, read by webhooks): what other modules may import.
export { EventsModule } from './events.module';
export { IssueStreamTicketCommand } from './commands/issue-stream-ticket/issue-stream-ticket.command';
export { ReadEventsQuery } from './queries/read-events/read-events.query';
export { EVENT_TYPES, transferSucceededData } from './domain/wallet-event';
export type { WalletEvent, WalletEventType } from './domain/wallet-event';
export { parseCursor } from './domain/event-cursor';
export type { EventCursor } from './domain/event-cursor';
