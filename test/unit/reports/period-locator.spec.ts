import { PeriodLocator } from '../../../src/modules/reports/services/period-locator';
import { buildChain, InMemoryLedgerReader } from '../support/in-memory-ledger.reader';

const T0 = Date.UTC(2024, 0, 1);
const minute = (m: number) => new Date(T0 + m * 60_000);

describe('PeriodLocator', () => {
  // Entry n (1-based) is created at minute 10 * n; several entries share minute 5000.
  const times = Array.from({ length: 10_000 }, (_, i) => (i >= 400 && i < 600 ? minute(5000) : minute(10 * (i + 1))));
  const reader = new InMemoryLedgerReader().add(...buildChain('w', times.map((at) => ({ type: 'TOP_UP' as const, amount: 1, at }))));
  const locator = new PeriodLocator(reader);

  it('finds both ends with about log2(head) lookups each', async () => {
    reader.lookups = 0;
    expect(await locator.locate('w', { from: minute(1000), toExclusive: minute(2001) }, 10_000)).toEqual({ lowest: 100, highest: 200 });
    expect(reader.lookups).toBeLessThanOrEqual(2 * 14 + 2);
  });

  it('keeps every entry of an instant shared by many entries', async () => {
    expect(await locator.locate('w', { from: minute(5000), toExclusive: minute(5001) }, 10_000)).toEqual({ lowest: 401, highest: 600 });
  });

  it('gives open ends the whole chain and empty bounds outside of it', async () => {
    expect(await locator.locate('w', { from: null, toExclusive: null }, 10_000)).toEqual({ lowest: 1, highest: 10_000 });
    const before = await locator.locate('w', { from: null, toExclusive: minute(5) }, 10_000);
    expect(before.highest).toBeLessThan(before.lowest);
    const after = await locator.locate('w', { from: minute(10 ** 6), toExclusive: null }, 10_000);
    expect(after).toEqual({ lowest: 10_001, highest: 10_000 });
  });

  it('fails loudly on a chain with a hole below the head', async () => {
    await expect(locator.locate('w', { from: minute(1000), toExclusive: null }, 20_000)).rejects.toThrow(/missing/);
  });
});
