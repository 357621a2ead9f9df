import type { AppConfig } from '../../../src/config/app-config';
import type { UsersRepository } from '../../../src/modules/users/persistence/users.repository';
import { ReportCursorCodec } from '../../../src/modules/reports/domain/report-cursor';
import { ListTransactionsHandler, MAX_EXAMINED_PER_PAGE } from '../../../src/modules/reports/queries/list-transactions/list-transactions.handler';
import { ListTransactionsQuery } from '../../../src/modules/reports/queries/list-transactions/list-transactions.query';
import { ListTransactionsRequestDto } from '../../../src/modules/reports/queries/list-transactions/list-transactions.request.dto';
import { PeriodLocator } from '../../../src/modules/reports/services/period-locator';
import { ReportSubject, ReportSubjects } from '../../../src/modules/reports/services/report-subject';
import { ReportWindow } from '../../../src/modules/reports/services/report-window';
import { buildChain, ChainItem, InMemoryLedgerReader } from '../support/in-memory-ledger.reader';

const W = 'wallet-1';
const T0 = Date.UTC(2024, 0, 1);

function setup(items: ChainItem[]) {
  const chain = buildChain(W, items);
  const reader = new InMemoryLedgerReader().add(...chain);
  let last = chain[chain.length - 1];
  const head = () => ({ seq: last?.seq ?? 0, balance: last?.balance_after ?? 0 });
  const users = { findById: async (id: string) => (id === W ? { _id: W } : null) } as unknown as UsersRepository;
  const handler = new ListTransactionsHandler(
    reader,
    new ReportWindow(
      reader,
      new PeriodLocator(reader),
      new ReportSubjects(users),
      new ReportCursorCodec('unit-test-secret-of-thirty-two-chars!!'),
      { timeZone: 'Asia/Jakarta' } as AppConfig,
    ),
  );
  const page = (request: Partial<ListTransactionsRequestDto>, subject = ReportSubject.own(W)) =>
    handler.execute(new ListTransactionsQuery(subject, Object.assign(new ListTransactionsRequestDto(), request)));
  const append = (more: ChainItem[]) => {
    const h = head();
    const added = buildChain(W, more, h.seq + 1, h.balance);
    reader.add(...added);
    last = added[added.length - 1] ?? last;
  };
  return { reader, page, append };
}

const topUps = (n: number, from = 0): ChainItem[] => Array.from({ length: n }, (_, i) => ({ type: 'TOP_UP', amount: 1, at: new Date(T0 + (from + i) * 60_000) }));
const seqOf = (ref: string | undefined) => Number(ref!.split('-').pop());

describe('ListTransactionsHandler', () => {
  it('reads the newest page as the newest `limit` entries, without reading the head first', async () => {
    const { reader, page } = setup(topUps(250));
    const first = await page({ limit: 100 });
    expect(first.rows.map((r) => seqOf(r.top_up_id))).toEqual(Array.from({ length: 100 }, (_, i) => 250 - i));
    expect(first.pagination.has_more).toBe(true);
    expect(reader.newestReads).toEqual([{ walletId: W, count: 100 }]);
    expect(reader.queries).toEqual([]);
    expect(reader.lookups).toBe(0);
    expect(reader.headReads).toBe(0);
  });

  it('reads a plain page after a cursor with one read of exactly `limit` entries', async () => {
    const { reader, page } = setup(topUps(250));
    const first = await page({ limit: 100 });
    const second = await page({ limit: 100, cursor: first.pagination.next_cursor! });
    expect(second.rows.map((r) => seqOf(r.top_up_id))).toEqual(Array.from({ length: 100 }, (_, i) => 150 - i));
    expect(reader.queries).toEqual([{ range: { walletId: W, lowest: 51, highest: 150 }, limit: 101 }]);
    const third = await page({ limit: 100, cursor: second.pagination.next_cursor! });
    expect(third.rows).toHaveLength(50);
    expect(third.pagination).toEqual({ next_cursor: null, has_more: false });
  });

  it('ends the newest page when it reaches the first entry', async () => {
    const { page } = setup(topUps(100));
    const only = await page({ limit: 100 });
    expect(only.rows).toHaveLength(100);
    expect(only.pagination).toEqual({ next_cursor: null, has_more: false });
  });

  it('pages to the end without duplicates or gaps while entries are appended', async () => {
    const { page, append } = setup(topUps(23));
    const seen: number[] = [];
    let cursor: string | undefined;
    do {
      const p = await page({ limit: 5, cursor });
      seen.push(...p.rows.map((r) => seqOf(r.top_up_id)));
      cursor = p.pagination.next_cursor ?? undefined;
      append(topUps(2, 1000 + seen.length));
    } while (cursor);
    expect(seen).toEqual(Array.from({ length: 23 }, (_, i) => 23 - i));
  });

  it('answers an empty wallet with an empty last page', async () => {
    const { page } = setup([]);
    expect(await page({})).toEqual({ rows: [], pagination: { next_cursor: null, has_more: false } });
  });

  it('examines at most the budget on a filtered page, then hands out a cursor', async () => {
    const items: ChainItem[] = [{ type: 'TOP_UP', amount: 10, at: new Date(T0) }, { type: 'PAYMENT', amount: 1, at: new Date(T0 + 1) }, ...topUps(MAX_EXAMINED_PER_PAGE + 10, 2)];
    const { reader, page } = setup(items);
    const head = items.length;
    const first = await page({ type: 'PAYMENT' });
    expect(first.rows).toEqual([]);
    expect(first.pagination.has_more).toBe(true);
    expect(reader.queries[0].range).toEqual({ walletId: W, lowest: head - MAX_EXAMINED_PER_PAGE + 1, highest: head });
    const second = await page({ type: 'PAYMENT', cursor: first.pagination.next_cursor! });
    expect(second.rows.map((r) => r.payment_id)).toEqual([`ref-${W}-2`]);
    expect(second.pagination).toEqual({ next_cursor: null, has_more: false });
  });

  it('stops a filtered page at limit + 1 matches and continues right below the last one shown', async () => {
    const items: ChainItem[] = Array.from({ length: 30 }, (_, i) => ({ type: i % 3 === 0 ? 'PAYMENT' : 'TOP_UP', amount: i % 3 === 0 ? 1 : 5, at: new Date(T0 + i * 1000) }));
    const { page } = setup([{ type: 'TOP_UP', amount: 100, at: new Date(T0 - 1) }, ...items]);
    const first = await page({ type: 'PAYMENT', limit: 4 });
    const second = await page({ type: 'PAYMENT', limit: 4, cursor: first.pagination.next_cursor! });
    const third = await page({ type: 'PAYMENT', limit: 4, cursor: second.pagination.next_cursor! });
    const seqs = [...first.rows, ...second.rows, ...third.rows].map((r) => seqOf(r.payment_id));
    expect(seqs).toEqual([29, 26, 23, 20, 17, 14, 11, 8, 5, 2]);
    expect(third.pagination.has_more).toBe(false);
  });

  it('locates a period by binary search, then keeps its bounds in the cursor', async () => {
    const { reader, page } = setup(topUps(1000));
    // Minutes 100..199 → seq 101..200.
    const from = new Date(T0 + 100 * 60_000).toISOString();
    const to = new Date(T0 + 199 * 60_000).toISOString();
    const first = await page({ from, to, limit: 60 });
    expect(first.rows.map((r) => seqOf(r.top_up_id))).toEqual(Array.from({ length: 60 }, (_, i) => 200 - i));
    expect(reader.lookups).toBeLessThanOrEqual(2 * Math.ceil(Math.log2(1001)));
    const lookups = reader.lookups;
    const second = await page({ from, to, limit: 60, cursor: first.pagination.next_cursor! });
    expect(second.rows.map((r) => seqOf(r.top_up_id))).toEqual(Array.from({ length: 40 }, (_, i) => 140 - i));
    expect(second.pagination.has_more).toBe(false);
    expect(reader.lookups).toBe(lookups);
  });

  it('refuses a cursor used with other filters or for another wallet', async () => {
    const { page } = setup(topUps(10));
    const cursor = (await page({ limit: 2 })).pagination.next_cursor!;
    await expect(page({ limit: 2, cursor, status: 'SUCCESS' })).rejects.toThrow(/cursor/);
    await expect(page({ limit: 2, cursor }, ReportSubject.own('wallet-2'))).rejects.toThrow(/cursor/);
  });

  it('lets an admin read an existing user only', async () => {
    const { page } = setup(topUps(3));
    expect((await page({}, ReportSubject.user(W))).rows).toHaveLength(3);
    await expect(page({}, ReportSubject.user('nobody'))).rejects.toMatchObject({ status: 404, code: 'USER_NOT_FOUND' });
  });
});
