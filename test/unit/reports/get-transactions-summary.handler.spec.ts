import type { AppConfig } from '../../../src/config/app-config';
import type { UsersRepository } from '../../../src/modules/users/persistence/users.repository';
import { ReportCursorCodec } from '../../../src/modules/reports/domain/report-cursor';
import { GetTransactionsSummaryHandler } from '../../../src/modules/reports/queries/get-transactions-summary/get-transactions-summary.handler';
import { GetTransactionsSummaryQuery } from '../../../src/modules/reports/queries/get-transactions-summary/get-transactions-summary.query';
import { PeriodLocator } from '../../../src/modules/reports/services/period-locator';
import { ReportSubject, ReportSubjects } from '../../../src/modules/reports/services/report-subject';
import { ReportWindow } from '../../../src/modules/reports/services/report-window';
import { buildChain, ChainItem, InMemoryLedgerReader } from '../support/in-memory-ledger.reader';
import { storedTotals, totalsOf } from '../../../src/modules/wallet/domain/ledger-entry';

const W = 'w';
const day = (d: number, h = 12) => new Date(Date.UTC(2024, 2, d, h - 7));

describe('GetTransactionsSummaryHandler', () => {
  const items: ChainItem[] = [
    { type: 'TOP_UP', amount: 100000, at: day(1) },
    { type: 'PAYMENT', amount: 20000, at: day(2, 9) },
    { type: 'TRANSFER_OUT', amount: 30000, at: day(2, 10), status: 'FAILED', counterpartyId: 'x' },
    { type: 'TRANSFER_IN', amount: 5000, at: day(2, 11), counterpartyId: 'y' },
    { type: 'TRANSFER_REFUND', amount: 30000, at: day(3, 9), counterpartyId: 'x' },
    { type: 'TRANSFER_OUT', amount: 1000, at: day(3, 10), status: 'PENDING', counterpartyId: 'z' },
  ];
  const chain = buildChain(W, items);
  const handlerOn = (reader: InMemoryLedgerReader) =>
    new GetTransactionsSummaryHandler(
      reader,
      new ReportWindow(
        reader,
        new PeriodLocator(reader),
        new ReportSubjects({ findById: async () => ({}) } as unknown as UsersRepository),
        new ReportCursorCodec('unit-test-secret-of-thirty-two-chars!!'),
        { timeZone: 'Asia/Jakarta' } as AppConfig,
      ),
    );
  const reader = new InMemoryLedgerReader().add(...chain);
  const handler = handlerOn(reader);
  const summaryBy = (h: GetTransactionsSummaryHandler, from?: string, to?: string) => h.execute(new GetTransactionsSummaryQuery(ReportSubject.own(W), { from, to }));
  const summary = (from?: string, to?: string) => summaryBy(handler, from, to);
  const periods: Array<[string | undefined, string | undefined]> = [
    [undefined, undefined],
    ['2024-03-02', '2024-03-02'],
    ['2024-03-02 10:00', undefined],
    [undefined, '2024-03-02 10:30'],
    ['2024-03-02 12:00', '2024-03-02 23:00'],
  ];

  it('takes the totals from the running totals of two entries, without reading the period', async () => {
    reader.totalsReads = 0;
    for (const [from, to] of periods) await summary(from, to);
    expect(reader.totalsReads).toBe(0);
  });

  it('sums the entries when running totals are missing or do not reconcile (a damaged chain)', async () => {
    const without = new InMemoryLedgerReader().add(...chain.map(({ running: _, ...entry }) => entry));
    const wrong = new InMemoryLedgerReader().add(...chain.map((e) => (e.seq === 4 ? { ...e, running: storedTotals({ ...totalsOf(e.running)!, credit: totalsOf(e.running)!.credit + 1 }) } : e)));
    for (const other of [without, wrong]) {
      for (const [from, to] of periods) expect(await summaryBy(handlerOn(other), from, to)).toEqual(await summary(from, to));
      expect(other.totalsReads).toBeGreaterThan(0);
    }
  });

  it('counts every entry of the period, failed and pending debits included, so the balances reconcile', async () => {
    const s = await summary();
    expect(s).toEqual({
      from: null,
      to: null,
      opening_balance: 0,
      closing_balance: 84000,
      total_credit: 135000,
      total_debit: 51000,
      count: 6,
      counts: { TOP_UP: 1, PAYMENT: 1, TRANSFER_IN: 1, TRANSFER_OUT: 2, TRANSFER_REFUND: 1, HOLD: 0, HOLD_RELEASE: 0 },
    });
  });

  it('opens with the balance at the start of the period and closes with the balance at its end', async () => {
    const s = await summary('2024-03-02', '2024-03-02');
    expect(s).toMatchObject({ from: '2024-03-02 00:00:00', to: '2024-03-02 23:59:59', opening_balance: 100000, closing_balance: 55000, total_credit: 5000, total_debit: 50000, count: 3 });
    expect(s.opening_balance + s.total_credit - s.total_debit).toBe(s.closing_balance);
  });

  it('carries the balance over a period without entries', async () => {
    expect(await summary('2024-03-02 12:00', '2024-03-02 23:00')).toMatchObject({ opening_balance: 55000, closing_balance: 55000, count: 0, total_credit: 0, total_debit: 0 });
    expect(await summary(undefined, '2024-02-01')).toMatchObject({ opening_balance: 0, closing_balance: 0, count: 0 });
    expect(await summary('2024-04-01')).toMatchObject({ opening_balance: 84000, closing_balance: 84000, count: 0 });
  });
});
