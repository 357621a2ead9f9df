import { DomainError } from '../../../common/errors';
import { describePeriod, parsePeriod, periodFileLabel } from './report-period';

const TZ = 'Asia/Jakarta';
const iso = (d: Date | null) => d?.toISOString() ?? null;

describe('parsePeriod', () => {
  it('reads bare dates in the zone, `to` meaning the end of that day', () => {
    const p = parsePeriod({ from: '2021-04-01', to: '2021-04-30' }, TZ);
    expect(iso(p.from)).toBe('2021-03-31T17:00:00.000Z');
    expect(iso(p.toExclusive)).toBe('2021-04-30T17:00:00.000Z');
    expect(describePeriod(p, TZ)).toEqual({ from: '2021-04-01 00:00:00', to: '2021-04-30 23:59:59' });
  });

  it('treats `to` at its own precision: minute, second, or exact instant', () => {
    expect(iso(parsePeriod({ to: '2021-04-01 22:21' }, TZ).toExclusive)).toBe('2021-04-01T15:22:00.000Z');
    expect(iso(parsePeriod({ to: '2021-04-01 22:21:21' }, TZ).toExclusive)).toBe('2021-04-01T15:21:22.000Z');
    expect(iso(parsePeriod({ to: '2021-04-01T15:21:21Z' }, TZ).toExclusive)).toBe('2021-04-01T15:21:22.000Z');
    expect(iso(parsePeriod({ to: '2021-04-01T15:21:21.250Z' }, TZ).toExclusive)).toBe('2021-04-01T15:21:21.251Z');
  });

  it('crosses month and year ends for a bare `to`', () => {
    expect(iso(parsePeriod({ to: '2021-12-31' }, TZ).toExclusive)).toBe('2021-12-31T17:00:00.000Z');
    expect(iso(parsePeriod({ to: '2024-02-29' }, 'UTC').toExclusive)).toBe('2024-03-01T00:00:00.000Z');
  });

  it('accepts one day as from = to, refuses from after to', () => {
    expect(() => parsePeriod({ from: '2021-04-01', to: '2021-04-01' }, TZ)).not.toThrow();
    expect(() => parsePeriod({ from: '2021-04-01 10:00:00', to: '2021-04-01 10:00:00' }, TZ)).not.toThrow();
    expect(() => parsePeriod({ from: '2021-04-02', to: '2021-04-01' }, TZ)).toThrow(DomainError);
    expect(() => parsePeriod({ from: '2021-04-01 10:00:00', to: '2021-04-01 09:59' }, TZ)).toThrow(/from must not be after to/);
  });

  it('refuses impossible dates', () => {
    for (const bad of ['2021-02-30', '2021-13-01', 'yesterday', '2021-04-01 24:00:00', '2021-04-01T10:00:00+25:00']) {
      expect(() => parsePeriod({ from: bad }, TZ)).toThrow(DomainError);
    }
  });

  it('leaves open ends open and names files after the period', () => {
    const open = parsePeriod({}, TZ);
    expect(open).toEqual({ from: null, toExclusive: null });
    expect(describePeriod(open, TZ)).toEqual({ from: null, to: null });
    const now = new Date('2021-05-01T03:00:00Z');
    expect(periodFileLabel(open, TZ, now)).toEqual({ from: 'start', to: '2021-05-01' });
    expect(periodFileLabel(parsePeriod({ from: '2021-04-01', to: '2021-04-30' }, TZ), TZ, now)).toEqual({ from: '2021-04-01', to: '2021-04-30' });
  });
});
