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
  const parts: Record<string, string> = {};
  for (const p of formatterFor(timeZone).formatToParts(date)) parts[p.type] = p.value;
  return `${parts.year}-${parts.month}-${parts.day} ${parts.hour}:${parts.minute}:${parts.second}`;
}

/** Offset of `timeZone` from UTC at `date`, in minutes (positive east of Greenwich). */
export function zoneOffsetMinutes(date: Date, timeZone: string): number {
  const local = formatDateTime(date, timeZone);
  const asUtc = Date.parse(`${local.replace(' ', 'T')}Z`);
  const whole = Math.floor(date.getTime() / 1000) * 1000;
  return Math.round((asUtc - whole) / 60000);
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
