import { Module } from '@nestjs/common';
import { MongooseModule } from '@nestjs/mongoose';
import { StatusEventLog } from './status-event-log';
import { StatusEventDocument, StatusEventSchema } from './status-event.schema';

/**
 * The status-event log (`status_events`), on its own so that the modules that record status changes
 * (users: freeze; transfers: settlement) can use it without depending on the events module. It rings
 * the process's doorbell (`LedgerDoorbellModule`, global), so open streams read a new status event at once.
 */
@Module({
  imports: [MongooseModule.forFeature([{ name: StatusEventDocument.name, schema: StatusEventSchema }])],
  providers: [StatusEventLog],
  exports: [StatusEventLog],
})
export class StatusEventsModule {}
