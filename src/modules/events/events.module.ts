import { Module } from '@nestjs/common';
import { CqrsModule } from '@nestjs/cqrs';
import { AuthModule } from '../auth/auth.module';
import { WalletModule } from '../wallet/wallet.module';
import { IssueStreamTicketHandler } from './commands/issue-stream-ticket/issue-stream-ticket.handler';
import { EventsHttpController } from './events.http.controller';
import { ReadEventsHandler } from './queries/read-events/read-events.handler';
import { EventStreams } from './services/event-streams';
import { StreamTickets } from './services/stream-tickets';

/** Live wallet events: the ledger as the outbox, pushed over Server-Sent Events (`GET /events`). */
@Module({
  imports: [CqrsModule, AuthModule, WalletModule],
  controllers: [EventsHttpController],
  providers: [ReadEventsHandler, IssueStreamTicketHandler, EventStreams, StreamTickets],
})
export class EventsModule {}
