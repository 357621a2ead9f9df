import { parseCursor } from '../../events';
import type { WalletEvent, ReadEventsQuery } from '../../events';

/**
 * How far the dispatcher has read a user's events: the `id` of the last event dispatched, kept as the
 * text `GET /events` sends in `id:` (`<seq>`, or `<seq>.<n>` after `n` status events).
 * This file is the one place that turns it into the events module's read cursor.
 */
export type DispatchCursor = string;

/** Before the first event. */
export const START_CURSOR: DispatchCursor = '0';

export function cursorAfter(event: WalletEvent): DispatchCursor {
  return String(event.id);
}

/** The `after` of `ReadEventsQuery` for a dispatch cursor (the events module's own parser: `<seq>[.<n>]`). */
export function readAfter(cursor: DispatchCursor): ReadEventsQuery['after'] {
  return parseCursor(cursor) ?? { seq: 0, n: 0 };
}

/** The ledger seq of a cursor (`7` and `7.2` are both at entry 7), which keeps a stored cursor from moving back. */
export function seqOfCursor(cursor: DispatchCursor): number {
  const n = Math.floor(Number(String(cursor).split('.')[0]));
  return Number.isFinite(n) && n > 0 ? n : 0;
}
