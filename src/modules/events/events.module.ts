import { MiddlewareConsumer, Module, NestModule, RequestMethod } from '@nestjs/common';
import { CqrsModule } from '@nestjs/cqrs';
import { makeCounterProvider, makeGaugeProvider } from '@willsoto/nestjs-prometheus';
import { AuthModule } from '../auth';
import { WalletModule } from '../wallet';
import { IssueStreamTicketHandler } from './commands/issue-stream-ticket/issue-stream-ticket.handler';
import { EventsHttpController } from './events.http.controller';
import { LIVE_PAGE_ROUTE, LivePageMiddleware } from './examples/live-page.middleware';
import { ReadEventsHandler } from './queries/read-events/read-events.handler';
import { EVENTS_SENT_METRIC, EventStreams, STREAMS_OPEN_METRIC } from './services/event-streams';
import { StreamTickets } from './services/stream-tickets';
import { StatusEventsModule } from '../status-events';

/** Live wallet events: the ledger and the status-event log as the outbox, pushed over Server-Sent Events (`GET /events`). */
@Module({
  imports: [CqrsModule, AuthModule, WalletModule, StatusEventsModule],
  controllers: [EventsHttpController],
  providers: [
    ReadEventsHandler,
    IssueStreamTicketHandler,
    EventStreams,
    StreamTickets,
    makeGaugeProvider({ name: STREAMS_OPEN_METRIC, help: 'Open GET /events streams of this process' }),
    makeCounterProvider({ name: EVENTS_SENT_METRIC, help: 'Events written to GET /events streams, by type', labelNames: ['type'] }),
  ],
})
export class EventsModule implements NestModule {
  /** The reference page `GET /examples/live` (and its script and style sheet): public, static. */
  configure(consumer: MiddlewareConsumer): void {
    consumer.apply(LivePageMiddleware).forRoutes(...['', '.js', '.css'].map((ext) => ({ path: `${LIVE_PAGE_ROUTE}${ext}`, method: RequestMethod.GET })));
  }
}
