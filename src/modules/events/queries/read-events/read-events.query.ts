import type { EventCursor } from '../../domain/event-cursor';

/** The events of a user after `after` (see `EventCursor`), oldest first, at most `limit` of each kind. */
export class ReadEventsQuery {
  constructor(
    readonly userId: string,
    readonly after: EventCursor,
    readonly limit: number,
  ) {}
}
