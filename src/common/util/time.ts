const formatters = new Map<string, Intl.DateTimeFormat>();

function formatterFor(timeZone: string): Intl.DateTimeFormat {
  let f = formatters.get(timeZone);
  if (!f) {
    f = new Intl.DateTimeFormat('en-CA', {
      timeZone,
      year: 'numeric',
      month: '2-digit',
      day: '2-digit',
      hour: '2-digit',
      minute: '2-digit',
      second: '2-digit',
      hourCycle: 'h23',
    });
    formatters.set(timeZone, f);
  }
  return f;
}

/** `YYYY-MM-DD HH:mm:ss`, zero padded, in the given IANA time zone (the SPEC's date format). */
export function formatDateTime(date: Date, timeZone: string): string {
  const t = date.getTime();
  const offset = Number.isFinite(t) ? hourOffset(Math.floor(t / HOUR_MS), timeZone) : undefined;
  if (offset === undefined) return formatWithIntl(date, timeZone);
  const local = new Date(Math.floor(t / 1000) * 1000 + offset);
  const year = local.getUTCFullYear();
  if (year < 1000 || year > 9999) return formatWithIntl(date, timeZone);
  return `${year}-${pad2(local.getUTCMonth() + 1)}-${pad2(local.getUTCDate())} ${pad2(local.getUTCHours())}:${pad2(local.getUTCMinutes())}:${pad2(local.getUTCSeconds())}`;
}

/** `formatDateTime` through `Intl.DateTimeFormat` alone (about 7 µs a call: the reports format a date per row). */
export function formatWithIntl(date: Date, timeZone: string): string {
  const parts: Record<string, string> = {};
  for (const p of formatterFor(timeZone).formatToParts(date)) parts[p.type] = p.value;
  return `${parts.year}-${parts.month}-${parts.day} ${parts.hour}:${parts.minute}:${parts.second}`;
}

const HOUR_MS = 3_600_000;
/** Hours remembered per zone before its memory is cleared (a year of hours is 8,760). */
const MAX_HOURS_PER_ZONE = 100_000;
/** Per zone: the UTC offset in ms of each UTC hour asked for, or null when the zone's offset changes within it. */
const hourOffsets = new Map<string, Map<number, number | null>>();

/**
 * The offset of `timeZone` throughout UTC hour `hour` (ms since the epoch / HOUR_MS), as Intl gives it
 * at the hour's first and last second; undefined when those differ (a change of offset within the hour:
 * that hour is formatted by Intl). Offset changes are months apart in the time zone database, so an hour
 * whose ends agree has one offset throughout.
 */
function hourOffset(hour: number, timeZone: string): number | undefined {
  let zone = hourOffsets.get(timeZone);
  if (!zone) hourOffsets.set(timeZone, (zone = new Map()));
  let offset = zone.get(hour);
  if (offset === undefined) {
    const start = intlOffset(hour * HOUR_MS, timeZone);
    offset = start === intlOffset(hour * HOUR_MS + HOUR_MS - 1000, timeZone) ? start : null;
    if (zone.size >= MAX_HOURS_PER_ZONE) zone.clear();
    zone.set(hour, offset);
  }
  return offset ?? undefined;
}

/** The offset of `timeZone` at instant `ms` (a whole second), in ms, to the second, as Intl gives it (NaN before the year 1000). */
function intlOffset(ms: number, timeZone: string): number {
  return offsetOf(formatWithIntl(new Date(ms), timeZone), ms);
}

/** The offset that makes `local` (`YYYY-MM-DD HH:mm:ss`) the wall-clock time of instant `whole` (a whole second), in ms. */
function offsetOf(local: string, whole: number): number {
  return Date.parse(`${local.replace(' ', 'T')}Z`) - whole;
}

function pad2(n: number): string {
  return n < 10 ? `0${n}` : String(n);
}

/** Offset of `timeZone` from UTC at `date`, in minutes (positive east of Greenwich). */
export function zoneOffsetMinutes(date: Date, timeZone: string): number {
  return Math.round(offsetOf(formatDateTime(date, timeZone), Math.floor(date.getTime() / 1000) * 1000) / 60000);
}

const LOCAL_DATE = /^(\d{4})-(\d{2})-(\d{2})(?:[ T](\d{2}):(\d{2})(?::(\d{2}))?)?$/;

/**
 * Parses `YYYY-MM-DD` or `YYYY-MM-DD HH:mm[:ss]` as a wall-clock time in `timeZone`,
 * or any ISO 8601 string with an explicit offset. Returns null when it is not a valid date.
 */
export function parseZonedDateTime(input: string, timeZone: string): Date | null {
  const m = LOCAL_DATE.exec(input.trim());
  if (!m) {
    if (!/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2}(\.\d+)?)?(Z|[+-]\d{2}:\d{2})$/.test(input.trim())) return null;
    const d = new Date(input);
    return Number.isNaN(d.getTime()) ? null : d;
  }
  const [, y, mo, d, h = '00', mi = '00', s = '00'] = m;
  const guessUtc = Date.UTC(+y, +mo - 1, +d, +h, +mi, +s);
  const check = new Date(guessUtc);
  if (check.getUTCFullYear() !== +y || check.getUTCMonth() !== +mo - 1 || check.getUTCDate() !== +d || +h > 23 || +mi > 59 || +s > 59) {
    return null;
  }
  let result = guessUtc - zoneOffsetMinutes(new Date(guessUtc), timeZone) * 60000;
  result = guessUtc - zoneOffsetMinutes(new Date(result), timeZone) * 60000;
  return new Date(result);
}

/** True when the input is a bare date (no time part): a `to` bound then means "end of that day". */
export function isDateOnly(input: string): boolean {
  return /^\d{4}-\d{2}-\d{2}$/.test(input.trim());
}
