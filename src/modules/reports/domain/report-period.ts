import { ValidationFailedError } from '../../../common/errors';
import { formatDateTime, isDateOnly, parseZonedDateTime } from '../../../common/util/time';
import type { Period } from './report-filter';

const WITH_MINUTES_ONLY = /^\d{4}-\d{2}-\d{2}[ T]\d{2}:\d{2}$/;
const FRACTION = /\.\d+/;

function invalid(field: 'from' | 'to', message: string): ValidationFailedError {
  return new ValidationFailedError(`Validation failed: ${message}`, { [field]: [message] });
}

function nextDay(date: string): string {
  const [y, m, d] = date.trim().split('-').map(Number);
  const next = new Date(Date.UTC(y, m - 1, d + 1));
  return next.toISOString().slice(0, 10);
}

/** The first instant after the span that `to` names (its day, minute, second or exact instant). */
function endOf(to: string, timeZone: string): Date | null {
  if (isDateOnly(to)) return parseZonedDateTime(nextDay(to), timeZone);
  const start = parseZonedDateTime(to, timeZone);
  if (!start) return null;
  if (WITH_MINUTES_ONLY.test(to.trim())) return new Date(start.getTime() + 60_000);
  if (FRACTION.test(to)) return new Date(start.getTime() + 1);
  return new Date(start.getTime() + 1000);
}

/**
 * Reads `from` / `to` (`YYYY-MM-DD`, `YYYY-MM-DD HH:mm[:ss]` in the configured zone, or ISO 8601
 * with an offset) into a half-open period. `from` after `to` is a 400.
 */
export function parsePeriod(input: { from?: string; to?: string }, timeZone: string): Period {
  let from: Date | null = null;
  let toExclusive: Date | null = null;
  if (input.from !== undefined) {
    from = parseZonedDateTime(input.from, timeZone);
    if (!from) throw invalid('from', 'from must be a date (YYYY-MM-DD), a date and time (YYYY-MM-DD HH:mm:ss) or ISO 8601 with an offset');
  }
  if (input.to !== undefined) {
    toExclusive = endOf(input.to, timeZone);
    if (!toExclusive) throw invalid('to', 'to must be a date (YYYY-MM-DD), a date and time (YYYY-MM-DD HH:mm:ss) or ISO 8601 with an offset');
  }
  if (from && toExclusive && from.getTime() >= toExclusive.getTime()) {
    throw invalid('from', 'from must not be after to');
  }
  return { from, toExclusive };
}

/** The period as it is echoed back: inclusive bounds as `YYYY-MM-DD HH:mm:ss`, null when open. */
export function describePeriod(period: Period, timeZone: string): { from: string | null; to: string | null } {
  return {
    from: period.from ? formatDateTime(period.from, timeZone) : null,
    to: period.toExclusive ? formatDateTime(new Date(period.toExclusive.getTime() - 1), timeZone) : null,
  };
}

/** `YYYY-MM-DD` of a bound for a file name (`start` / the given fallback when open). */
export function periodFileLabel(period: Period, timeZone: string, now: Date): { from: string; to: string } {
  return {
    from: period.from ? formatDateTime(period.from, timeZone).slice(0, 10) : 'start',
    to: formatDateTime(period.toExclusive ? new Date(period.toExclusive.getTime() - 1) : now, timeZone).slice(0, 10),
  };
}
