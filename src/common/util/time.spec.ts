import { formatDateTime, formatWithIntl, parseZonedDateTime, zoneOffsetMinutes } from './time';

/** Zones with summer time, half- and quarter-hour offsets, a skipped day and local mean time to the second. */
const ZONES = [
  'Asia/Jakarta',
  'UTC',
  'America/New_York',
  'Europe/London',
  'Australia/Lord_Howe',
  'Asia/Kathmandu',
  'America/St_Johns',
  'Pacific/Apia',
  'Pacific/Chatham',
  'America/Sao_Paulo',
];
const HOUR = 3_600_000;

/** The instants (whole seconds) where the zone's offset changes between `from` and `to`, found hour by hour then bisected. */
function offsetChanges(zone: string, from: number, to: number): number[] {
  const offsetAt = (ms: number) => Date.parse(`${formatWithIntl(new Date(ms), zone).replace(' ', 'T')}Z`) - ms;
  const changes: number[] = [];
  for (let t = from; t < to; t += HOUR) {
    if (offsetAt(t) === offsetAt(t + HOUR)) continue;
    let [lo, hi] = [t, t + HOUR];
    while (hi - lo > 1000) {
      const mid = lo + Math.floor((hi - lo) / 2000) * 1000;
      if (offsetAt(mid) === offsetAt(lo)) lo = mid;
      else hi = mid;
    }
    changes.push(hi);
  }
  return changes;
}

describe('formatDateTime', () => {
  it('formats as Intl does, at random instants from 1900 to 2100, in every kind of zone', () => {
    const from = Date.UTC(1900, 0, 1);
    const span = Date.UTC(2100, 0, 1) - from;
    for (const zone of ZONES) {
      for (let i = 0; i < 3_000; i++) {
        const date = new Date(from + Math.floor(Math.random() * span));
        expect([zone, date.toISOString(), formatDateTime(date, zone)]).toEqual([zone, date.toISOString(), formatWithIntl(date, zone)]);
      }
    }
  });

  it('formats as Intl does on each second around every change of offset, in hours the change splits', () => {
    let checked = 0;
    for (const zone of ZONES) {
      // Summer time both ways, and Samoa's skipped day (2011-12-30).
      for (const change of offsetChanges(zone, Date.UTC(2011, 0, 1), Date.UTC(2013, 0, 1))) {
        for (let t = change - 90_000; t <= change + 90_000; t += 1000) {
          const date = new Date(t + 999);
          expect([zone, date.toISOString(), formatDateTime(date, zone)]).toEqual([zone, date.toISOString(), formatWithIntl(date, zone)]);
          checked++;
        }
      }
    }
    expect(checked).toBeGreaterThan(20 * 181); // four changes a year in most of these zones
  });

  it('keeps local mean time to the second (Jakarta before 1924: +07:07:12)', () => {
    const date = new Date(Date.UTC(1920, 5, 1, 0, 0, 0));
    expect(formatDateTime(date, 'Asia/Jakarta')).toBe(formatWithIntl(date, 'Asia/Jakarta'));
    expect(formatDateTime(date, 'Asia/Jakarta')).toBe('1920-06-01 07:07:12');
    expect(formatDateTime(new Date(Date.UTC(2026, 10, 27, 17, 0, 5, 999)), 'Asia/Jakarta')).toBe('2026-11-28 00:00:05');
  });

  it('refuses an invalid date as Intl does', () => {
    expect(() => formatDateTime(new Date(NaN), 'Asia/Jakarta')).toThrow(RangeError);
  });

  it('leaves parsing and offsets consistent with it', () => {
    const date = parseZonedDateTime('2026-03-08 03:30:00', 'America/New_York')!;
    expect(formatDateTime(date, 'America/New_York')).toBe('2026-03-08 03:30:00');
    expect(zoneOffsetMinutes(date, 'America/New_York')).toBe(-240);
    expect(zoneOffsetMinutes(new Date(Date.UTC(2026, 0, 1)), 'Asia/Kathmandu')).toBe(345);
  });
});
