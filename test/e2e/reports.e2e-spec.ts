import { StatusEventLog } from '../../src/modules/status-events';
import { getQueueToken } from '@nestjs/bull';
import { getConnectionToken } from '@nestjs/mongoose';
import type { Queue } from 'bull';
import { CommandStartedEvent, MongoClient } from 'mongodb';
import type { Connection } from 'mongoose';
import { FerretDbLedgerReader, NEW_SLOT_READS } from '../../src/modules/reports/persistence/ferretdb-ledger.reader';
import { Selection } from '../../src/modules/reports/persistence/ledger-reader';
import { LEDGER_ENTRIES } from '../../src/modules/reports/persistence/ledger-reader.provider';
import { TRANSFER_QUEUE } from '../../src/modules/transfers/queue/transfer-queue';
import { entryId, EntryType, LedgerEntry, pageKeyOf, totalsOf } from '../../src/modules/wallet/domain/ledger-entry';
import { verifyLedger } from '../../src/modules/reconciliation';
import { LedgerService } from '../../src/modules/wallet/ledger/ledger.service';
import { LedgerRepository } from '../../src/modules/wallet/persistence/ledger.repository';
import { AppConfig } from '../../src/config/app-config';
import { newId } from '../../src/common/util/ids';
import { formatDateTime } from '../../src/common/util/time';
import { describeInProcess, itWithDatabase } from '../support/modes';
import { waitForSettled } from '../support/transfers';
import { createTestApp, migrateDatabase, testDatabaseName, TestApp } from '../support/test-app';
import { adminAuth, newUser, TestUser } from '../support/users';
import { buildChain, ChainItem } from '../unit/support/in-memory-ledger.reader';

type Row = Record<string, unknown>;

const DATE_TIME = /^\d{4}-\d{2}-\d{2} \d{2}:\d{2}:\d{2}$/;
const BASE_KEYS = ['status', 'user_id', 'transaction_type', 'amount', 'remarks', 'balance_before', 'balance_after', 'created_date'];
const CSV_HEADER = 'top_up_id,payment_id,transfer_id,hold_id,status,user_id,transaction_type,amount,remarks,balance_before,balance_after,created_date,counterparty_user_id,reversal';

/** A strict RFC 4180 reader for the export (quoted cells, doubled quotes, CRLF records). */
function parseCsv(text: string): string[][] {
  const records: string[][] = [];
  let record: string[] = [];
  let cell = '';
  let quoted = false;
  for (let i = 0; i < text.length; i++) {
    const ch = text[i];
    if (quoted) {
      if (ch === '"' && text[i + 1] === '"') {
        cell += '"';
        i++;
      } else if (ch === '"') quoted = false;
      else cell += ch;
    } else if (ch === '"') quoted = true;
    else if (ch === ',') {
      record.push(cell);
      cell = '';
    } else if (ch === '\r' && text[i + 1] === '\n') {
      record.push(cell);
      records.push(record);
      record = [];
      cell = '';
      i++;
    } else cell += ch;
  }
  if (cell !== '' || record.length) throw new Error('CSV does not end with CRLF');
  return records;
}

describe('reports: transaction listing, summary and export', () => {
  let t: TestApp;
  let queue: Queue;
  let admin: { Authorization: string };

  beforeAll(async () => {
    t = await createTestApp({ label: 'reports' });
    if (t.inProcess) queue = t.app.get(getQueueToken(TRANSFER_QUEUE));
    admin = await adminAuth(t);
  });

  afterAll(async () => {
    if (!t) return;
    if (t.inProcess) {
      await queue.resume(true).catch(() => undefined);
      const report = await verifyLedger(t.db, { maxBalance: t.config.maxBalance });
      expect(report.problems).toEqual([]);
    }
    await t.close();
  });

  const list = (u: TestUser | { Authorization: string }, query: Record<string, unknown> = {}, path = '/transactions') =>
    t.http().get(path).set('auth' in u ? u.auth : u).query(query);

  /** Every page of a listing, following the cursor. */
  async function allPages(u: TestUser, query: Record<string, unknown>, between?: () => Promise<void>) {
    const rows: Row[] = [];
    const pages: Row[][] = [];
    let cursor: string | undefined;
    for (let i = 0; i < 1000; i++) {
      const res = await list(u, { ...query, ...(cursor ? { cursor } : {}) }).expect(200);
      rows.push(...res.body.result);
      pages.push(res.body.result);
      if (!res.body.pagination.has_more) {
        expect(res.body.pagination.next_cursor).toBeNull();
        return { rows, pages };
      }
      cursor = res.body.pagination.next_cursor;
      expect(typeof cursor).toBe('string');
      if (between) await between();
    }
    throw new Error('too many pages');
  }

  const idOf = (r: Row) => (r.top_up_id ?? r.payment_id ?? r.transfer_id) as string;
  const keyOf = (r: Row) => `${idOf(r)}:${r.transaction_type}:${r.reversal ? 'R' : ''}`;

  const settled = (u: TestUser, id: string) => waitForSettled(t, u, id);

  /**
   * Writes a consistent chain for a fresh user straight into the ledger (for histories that span
   * days or thousands of entries): contiguous seq, chained balances, and the head hint.
   */
  async function seed(walletId: string, items: Array<{ kind: 'TOP_UP' | 'PAYMENT'; amount: number; at: Date; remarks?: string }>) {
    let balance = 0;
    const docs: LedgerEntry[] = items.map((item, i) => {
      const seq = i + 1;
      const before = balance;
      balance += item.kind === 'TOP_UP' ? item.amount : -item.amount;
      if (balance < 0) throw new Error('seed would go negative');
      const ref = newId();
      return {
        _id: entryId(walletId, seq),
        wallet_id: walletId,
        seq,
        page_key: pageKeyOf(walletId, seq),
        op_id: `${item.kind}:${ref}`,
        entry_type: item.kind as EntryType,
        transaction_type: item.kind === 'TOP_UP' ? 'CREDIT' : 'DEBIT',
        amount: item.amount,
        balance_before: before,
        balance_after: balance,
        remarks: item.kind === 'TOP_UP' ? '' : (item.remarks ?? 'seeded payment'),
        ref_id: ref,
        counterparty_id: null,
        status: 'SUCCESS',
        created_at: item.at,
      };
    });
    for (let i = 0; i < docs.length; i += 1000) await t.db.collection<LedgerEntry>('ledger_entries').insertMany(docs.slice(i, i + 1000));
    await t.db
      .collection('wallets')
      .insertOne({ _id: walletId, seq: docs.length, balance, updated_at: new Date() } as never);
    return docs;
  }

  /** `YYYY-MM-DD HH:mm:ss` in the app's zone → Date. */
  const at = (local: string) => new Date(`${local.replace(' ', 'T')}+07:00`);

  describeInProcess('internals', 'a wallet with every kind of movement, made through the API', () => {
    let a: TestUser;
    let b: TestUser;
    let c: TestUser;
    let okTransfer: string;
    let failedTransfer: string;
    let paymentId: string;

    beforeAll(async () => {
      a = await newUser(t);
      b = await newUser(t);
      c = await newUser(t);
      await t.http().post('/topup').set(a.auth).send({ amount: 500000 }).expect(201);
      paymentId = (await t.http().post('/pay').set(a.auth).send({ amount: 100000, remarks: 'Pulsa Telkomsel 100k' }).expect(201)).body.result.payment_id;
      okTransfer = (await t.http().post('/transfer').set(a.auth).send({ target_user: b.userId, amount: 30000, remarks: 'Hadiah Ultah' }).expect(202)).body.result.transfer_id;
      expect((await settled(a, okTransfer)).status).toBe('SUCCESS');
      // A transfer whose receiver is frozen before it executes fails and is refunded.
      await queue.pause(true);
      failedTransfer = (await t.http().post('/transfer').set(a.auth).send({ target_user: c.userId, amount: 20000, remarks: 'Bayar utang' }).expect(202)).body.result.transfer_id;
      await t.http().post(`/users/${c.userId}/freeze`).set(admin).expect((res) => expect([200, 201]).toContain(res.status));
      await queue.resume(true);
      expect((await settled(a, failedTransfer)).status).toBe('FAILED');
    });

    it('lists every movement newest first, with the documented keys in order', async () => {
      const res = await list(a).expect(200);
      expect(res.body.status).toBe('SUCCESS');
      expect(res.body.pagination).toEqual({ next_cursor: null, has_more: false });
      const rows: Row[] = res.body.result;
      expect(rows.map((r) => [idOf(r), r.transaction_type, r.status, r.amount])).toEqual([
        [failedTransfer, 'CREDIT', 'SUCCESS', 20000],
        [failedTransfer, 'DEBIT', 'FAILED', 20000],
        [okTransfer, 'DEBIT', 'SUCCESS', 30000],
        [paymentId, 'DEBIT', 'SUCCESS', 100000],
        [expect.any(String), 'CREDIT', 'SUCCESS', 500000],
      ]);
      expect(Object.keys(rows[0])).toEqual(['transfer_id', ...BASE_KEYS, 'counterparty_user_id', 'reversal']);
      expect(Object.keys(rows[1])).toEqual(['transfer_id', ...BASE_KEYS, 'counterparty_user_id']);
      expect(Object.keys(rows[3])).toEqual(['payment_id', ...BASE_KEYS]);
      expect(Object.keys(rows[4])).toEqual(['top_up_id', ...BASE_KEYS]);
      expect(rows[0]).toMatchObject({ reversal: true, counterparty_user_id: c.userId, remarks: expect.stringContaining('Bayar utang'), balance_before: 350000, balance_after: 370000 });
      expect(rows[2]).toMatchObject({ counterparty_user_id: b.userId, remarks: 'Hadiah Ultah', balance_before: 400000, balance_after: 370000 });
      expect(rows[3]).toMatchObject({ remarks: 'Pulsa Telkomsel 100k', balance_before: 500000, balance_after: 400000 });
      expect(rows[4]).toMatchObject({ remarks: '', balance_before: 0, balance_after: 500000 });
      for (const [i, row] of rows.entries()) {
        expect(row.user_id).toBe(a.userId);
        expect(row.created_date).toMatch(DATE_TIME);
        expect(['top_up_id', 'payment_id', 'transfer_id'].filter((k) => k in row)).toHaveLength(1);
        if (i + 1 < rows.length) expect(row.balance_before).toBe(rows[i + 1].balance_after);
      }
      expect(rows.filter((r) => 'reversal' in r)).toHaveLength(1);
    });

    it('shows the receiver a CREDIT with the sender’s transfer_id', async () => {
      const rows: Row[] = (await list(b).expect(200)).body.result;
      expect(rows).toEqual([
        {
          transfer_id: okTransfer,
          status: 'SUCCESS',
          user_id: b.userId,
          transaction_type: 'CREDIT',
          amount: 30000,
          remarks: 'Hadiah Ultah',
          balance_before: 0,
          balance_after: 30000,
          created_date: expect.stringMatching(DATE_TIME),
          counterparty_user_id: a.userId,
        },
      ]);
      // The frozen receiver of the failed transfer never got anything.
      expect((await list(c).expect(200)).body.result).toEqual([]);
    });

    it('filters by kind, direction and status', async () => {
      const ids = async (query: Record<string, unknown>) => ((await list(a, query).expect(200)).body.result as Row[]).map((r) => [idOf(r), r.transaction_type]);
      expect(await ids({ type: 'TOP_UP' })).toEqual([[expect.any(String), 'CREDIT']]);
      expect(await ids({ type: 'PAYMENT' })).toEqual([[paymentId, 'DEBIT']]);
      expect(await ids({ type: 'TRANSFER' })).toEqual([
        [failedTransfer, 'CREDIT'],
        [failedTransfer, 'DEBIT'],
        [okTransfer, 'DEBIT'],
      ]);
      expect(await ids({ transaction_type: 'CREDIT' })).toEqual([
        [failedTransfer, 'CREDIT'],
        [expect.any(String), 'CREDIT'],
      ]);
      expect(await ids({ transaction_type: 'DEBIT', type: 'TRANSFER' })).toEqual([
        [failedTransfer, 'DEBIT'],
        [okTransfer, 'DEBIT'],
      ]);
      expect(await ids({ status: 'FAILED' })).toEqual([[failedTransfer, 'DEBIT']]);
      expect(await ids({ status: 'PENDING' })).toEqual([]);
      expect(await ids({ from: '2000-01-01', to: '2000-12-31' })).toEqual([]);
    });

    it('summarises the money in and out so that opening + credit - debit = closing', async () => {
      const res = await t.http().get('/transactions/summary').set(a.auth).expect(200);
      expect(res.body).toEqual({
        status: 'SUCCESS',
        result: {
          from: null,
          to: null,
          opening_balance: 0,
          closing_balance: 370000,
          total_credit: 520000,
          total_debit: 150000,
          count: 5,
          counts: { TOP_UP: 1, PAYMENT: 1, TRANSFER_IN: 0, TRANSFER_OUT: 2, TRANSFER_REFUND: 1, HOLD: 0, HOLD_RELEASE: 0 },
        },
      });
      const profileBalance = (await t.http().get('/profile').set(a.auth).expect(200)).body.result.balance;
      expect(profileBalance).toBe(370000);
      const ofB = (await t.http().get('/transactions/summary').set(b.auth).expect(200)).body.result;
      expect(ofB).toMatchObject({ opening_balance: 0, closing_balance: 30000, total_credit: 30000, total_debit: 0, count: 1 });
      expect(ofB.counts.TRANSFER_IN).toBe(1);
    });

    it('exports the same rows as CSV', async () => {
      const res = await t.http().get('/transactions/export').set(a.auth).buffer(true).parse((r, cb) => {
        let text = '';
        r.setEncoding('utf8');
        r.on('data', (d: string) => (text += d));
        r.on('end', () => cb(null, text));
      });
      expect(res.status).toBe(200);
      expect(res.headers['content-type']).toBe('text/csv; charset=utf-8');
      const today = formatDateTime(new Date(), t.config.timeZone).slice(0, 10);
      expect(res.headers['content-disposition']).toBe(`attachment; filename="transactions-start-${today}.csv"`);
      const records = parseCsv(res.body as string);
      expect(records[0].join(',')).toBe(CSV_HEADER);
      const json: Row[] = (await list(a).expect(200)).body.result;
      expect(records).toHaveLength(json.length + 1);
      const header = records[0];
      for (const [i, record] of records.slice(1).entries()) {
        const expected = header.map((column) => (json[i][column] === undefined || json[i][column] === null ? '' : String(json[i][column])));
        expect(record).toEqual(expected);
      }
    });

    it('lets an admin read any user’s report, and nobody else', async () => {
      const own = (await list(a).expect(200)).body;
      const byAdmin = (await list(admin, {}, `/users/${a.userId}/transactions`).expect(200)).body;
      expect(byAdmin).toEqual(own);
      const summary = (await t.http().get(`/users/${a.userId}/transactions/summary`).set(admin).expect(200)).body.result;
      expect(summary.closing_balance).toBe(370000);
      const csv = await t.http().get(`/users/${a.userId}/transactions/export`).set(admin).expect(200);
      expect(csv.headers['content-type']).toBe('text/csv; charset=utf-8');

      expect((await list(b, {}, `/users/${a.userId}/transactions`).expect(403)).body.code).toBe('FORBIDDEN');
      await t.http().get(`/users/${a.userId}/transactions/summary`).set(b.auth).expect(403);
      await t.http().get(`/users/${a.userId}/transactions/export`).set(b.auth).expect(403);
      // A user never sees another user's entries on their own routes.
      const ofB: Row[] = (await list(b).expect(200)).body.result;
      expect(ofB.every((r) => r.user_id === b.userId)).toBe(true);
      const unknown = '0190a0a0-0000-7000-8000-000000000000';
      expect((await list(admin, {}, `/users/${unknown}/transactions`).expect(404)).body).toMatchObject({ code: 'USER_NOT_FOUND' });
      await t.http().get(`/users/${unknown}/transactions/summary`).set(admin).expect(404);
      await t.http().get(`/users/${unknown}/transactions/export`).set(admin).expect(404);
      expect((await list(admin, {}, '/users/not-a-uuid/transactions').expect(400)).body.code).toBe('VALIDATION_FAILED');
      await t.http().get('/transactions').expect(401);
      await t.http().get('/transactions/summary').expect(401);
      await t.http().get('/transactions/export').expect(401);
      await t.http().get(`/users/${a.userId}/transactions`).expect(401);
    });
  });

  describe('long histories', () => {
    it('pages through 40 entries with no duplicate and no gap, while new entries arrive', async () => {
      const u = await newUser(t);
      for (let i = 1; i <= 40; i++) {
        if (i % 4 === 0) await t.http().post('/pay').set(u.auth).send({ amount: 100, remarks: `pay ${i}` }).expect(201);
        else await t.http().post('/topup').set(u.auth).send({ amount: 1000 + i }).expect(201);
      }
      const snapshot: Row[] = (await list(u, { limit: 1000 }).expect(200)).body.result;
      expect(snapshot).toHaveLength(40);

      let written = 0;
      const { rows, pages } = await allPages(u, { limit: 7 }, async () => {
        written++;
        await t.http().post('/topup').set(u.auth).send({ amount: 5 }).expect(201);
      });
      expect(pages.map((p) => p.length)).toEqual([7, 7, 7, 7, 7, 5]);
      expect(rows.map(keyOf)).toEqual(snapshot.map(keyOf));
      expect(new Set(rows.map(keyOf)).size).toBe(40);

      // The entries written meanwhile are on top of a fresh first page.
      const fresh: Row[] = (await list(u, { limit: written }).expect(200)).body.result;
      expect(fresh.every((r) => r.amount === 5 && r.top_up_id)).toBe(true);

      // Filtered paging is as stable: only payments, three per page.
      const payments = await allPages(u, { type: 'PAYMENT', limit: 3 });
      expect(payments.rows.map(keyOf)).toEqual(snapshot.filter((r) => r.payment_id).map(keyOf));
      expect(payments.rows).toHaveLength(10);
    });

    itWithDatabase('filters by period (zoned dates, bare `to` = end of day, ISO with offset) and pages within it', async () => {
      const u = await newUser(t);
      const items: Parameters<typeof seed>[1] = [];
      // Four days, six movements a day, at 08:00, 10:00, … 18:00 Jakarta time.
      for (const day of ['2024-03-01', '2024-03-02', '2024-03-03', '2024-03-04']) {
        for (let h = 8; h <= 18; h += 2) {
          const stamp = `${day} ${String(h).padStart(2, '0')}:00:00`;
          items.push(h % 4 === 0 ? { kind: 'TOP_UP', amount: 10000, at: at(stamp) } : { kind: 'PAYMENT', amount: 1000, at: at(stamp), remarks: stamp });
        }
      }
      await seed(u.userId, items);
      const dates = async (query: Record<string, unknown>) => (await allPages(u, query)).rows.map((r) => r.created_date);

      const day2 = await dates({ from: '2024-03-02', to: '2024-03-02' });
      expect(day2).toEqual(['18', '16', '14', '12', '10', '08'].map((h) => `2024-03-02 ${h}:00:00`));
      expect(await dates({ from: '2024-03-02 10:00:00', to: '2024-03-02 14:00:00' })).toEqual(['2024-03-02 14:00:00', '2024-03-02 12:00:00', '2024-03-02 10:00:00']);
      expect(await dates({ from: '2024-03-02T03:00:00Z', to: '2024-03-02T12:00:00+07:00' })).toEqual(['2024-03-02 12:00:00', '2024-03-02 10:00:00']);
      expect(await dates({ from: '2024-03-04 17:00' })).toEqual(['2024-03-04 18:00:00']);
      expect(await dates({ to: '2024-03-01 09:59' })).toEqual(['2024-03-01 08:00:00']);
      expect(await dates({ from: '2024-03-05' })).toEqual([]);
      expect(await dates({ to: '2024-02-29' })).toEqual([]);

      // Period + kind + small pages: every payment of days 2 and 3, in order, no duplicates.
      const { rows, pages } = await allPages(u, { from: '2024-03-02', to: '2024-03-03', type: 'PAYMENT', limit: 2 });
      expect(pages.length).toBeGreaterThanOrEqual(3);
      expect(rows.map((r) => r.created_date)).toEqual(
        ['2024-03-03', '2024-03-02'].flatMap((d) => ['18', '14', '10'].map((h) => `${d} ${h}:00:00`)),
      );
      expect(rows.every((r) => r.remarks === r.created_date)).toBe(true);

      // Summary of day 2: three top-ups of 10,000 and three payments of 1,000.
      const s = (await t.http().get('/transactions/summary').set(u.auth).query({ from: '2024-03-02', to: '2024-03-02' }).expect(200)).body.result;
      const before = 3 * 10000 - 3 * 1000;
      expect(s).toEqual({
        from: '2024-03-02 00:00:00',
        to: '2024-03-02 23:59:59',
        opening_balance: before,
        closing_balance: before + 27000,
        total_credit: 30000,
        total_debit: 3000,
        count: 6,
        counts: { TOP_UP: 3, PAYMENT: 3, TRANSFER_IN: 0, TRANSFER_OUT: 0, TRANSFER_REFUND: 0, HOLD: 0, HOLD_RELEASE: 0 },
      });
      expect(s.opening_balance + s.total_credit - s.total_debit).toBe(s.closing_balance);
      // A period without entries: the balance carried over, nothing moved.
      const quiet = (await t.http().get('/transactions/summary').set(u.auth).query({ from: '2024-03-02 19:00', to: '2024-03-03 07:59:59' }).expect(200)).body.result;
      expect(quiet).toMatchObject({ opening_balance: 2 * 27000, closing_balance: 2 * 27000, total_credit: 0, total_debit: 0, count: 0 });
      const beforeAll = (await t.http().get('/transactions/summary').set(u.auth).query({ to: '2024-02-01' }).expect(200)).body.result;
      expect(beforeAll).toMatchObject({ opening_balance: 0, closing_balance: 0, count: 0 });
      const afterAll = (await t.http().get('/transactions/summary').set(u.auth).query({ from: '2024-04-01' }).expect(200)).body.result;
      expect(afterAll).toMatchObject({ opening_balance: 4 * 27000, closing_balance: 4 * 27000, count: 0, to: null });

      // The export honours the same period and filters, and names the file after the period.
      const csv = await t.http().get('/transactions/export').set(u.auth).query({ from: '2024-03-02', to: '2024-03-03', type: 'PAYMENT' }).expect(200);
      expect(csv.headers['content-disposition']).toBe('attachment; filename="transactions-2024-03-02-2024-03-03.csv"');
      const records = parseCsv(csv.text);
      expect(records.slice(1).map((r) => r[11])).toEqual(rows.map((r) => r.created_date));
    });

    itWithDatabase('bounds the work of a filtered page: an empty page with a cursor when 5,000 entries hold no match', async () => {
      const u = await newUser(t);
      const start = at('2024-01-01 00:00:00').getTime();
      const items: Parameters<typeof seed>[1] = [];
      for (let i = 0; i < 3; i++) items.push({ kind: i === 0 ? 'TOP_UP' : 'PAYMENT', amount: i === 0 ? 100000 : 1000, at: new Date(start + i * 1000) });
      for (let i = 0; i < 5100; i++) items.push({ kind: 'TOP_UP', amount: 1, at: new Date(start + (i + 3) * 1000) });
      await seed(u.userId, items);

      const first = (await list(u, { type: 'PAYMENT' }).expect(200)).body;
      expect(first.result).toEqual([]);
      expect(first.pagination.has_more).toBe(true);
      const second = (await list(u, { type: 'PAYMENT', cursor: first.pagination.next_cursor }).expect(200)).body;
      expect(second.result.map((r: Row) => r.amount)).toEqual([1000, 1000]);
      expect(second.pagination).toEqual({ next_cursor: null, has_more: false });

      // A plain page reads only its own entries, even deep in a long history.
      const top = (await list(u, { limit: 1000 }).expect(200)).body;
      expect(top.result).toHaveLength(1000);
      expect(top.result[0].balance_after).toBe(98000 + 5100);
      const s = (await t.http().get('/transactions/summary').set(u.auth).expect(200)).body.result;
      expect(s).toMatchObject({ opening_balance: 0, closing_balance: 98000 + 5100, total_credit: 105100, total_debit: 2000, count: 5103 });
    });
  });

  describe('sealed blocks', () => {
    itWithDatabase('are read once for pages; the open top block only for what is new or not settled', async () => {
      const u = await newUser(t);
      const w = u.userId;
      const start = at('2024-01-01 00:00:00').getTime();
      const chain = buildChain(
        w,
        Array.from({ length: 250 }, (_, i): ChainItem => ({ type: i % 2 === 0 ? 'TOP_UP' : 'PAYMENT', amount: i % 2 === 0 ? 2000 : 1000, at: new Date(start + i * 1000) })),
      );
      chain[119] = { ...chain[119], status: 'PENDING' }; // as a transfer debit waiting for its outcome
      await t.db.collection<LedgerEntry>('ledger_entries').insertMany(chain);
      await t.db.collection('wallets').insertOne({ _id: w, seq: 250, balance: chain[249].balance_after, updated_at: new Date() } as never);

      // The reader the module would build on FerretDB, on a client of its own whose `find`s by
      // `page_key` are counted (command monitoring): the block reads of this wallet.
      const reads: number[] = [];
      const client = await MongoClient.connect(process.env.MONGODB_URI!, { monitorCommands: true });
      client.on('commandStarted', (event: CommandStartedEvent) => {
        const key = event.commandName === 'find' ? (event.command.filter?.page_key as string | undefined) : undefined;
        if (key?.startsWith(`${w}:`)) reads.push(Number(key.slice(w.length + 1)));
      });
      const reader = new FerretDbLedgerReader(client.db(t.db.databaseName).collection<LedgerEntry>(LEDGER_ENTRIES), t.app.get(LedgerRepository), t.app.get(StatusEventLog));
      const ledger = new LedgerService(t.app.get(LedgerRepository), t.app.get(AppConfig));
      const plain: Selection = { filter: {}, period: { from: null, toExclusive: null } };
      const page = async (lowest: number, highest: number) => (await reader.newestFirst({ walletId: w, lowest, highest }, plain, 1000)).map((e) => [e.seq, e.status]);
      const readsOf = async (read: () => Promise<unknown>) => {
        reads.length = 0;
        await read();
        return [...reads].sort();
      };

      // Block 0 (seqs 1-100) is full and settled: read once. Block 1 holds a PENDING entry, block 2 is the open top.
      expect(await readsOf(() => page(1, 100))).toEqual([0]);
      expect(await readsOf(() => page(1, 100))).toEqual([]);
      expect(await readsOf(() => page(51, 150))).toEqual([1]);
      expect(await readsOf(() => page(51, 150))).toEqual([1]);
      // The newest page reads the open top block once (from the stored head hint); then it keeps the
      // block's settled run and the head, and reads only what is not settled (block 1 here) and the
      // two slots after the head by `_id`.
      const newest = () => reader.newest(w, 100).then((list) => list.map((e) => e.seq));
      const seqsDown = (from: number, n: number) => Array.from({ length: n }, (_, i) => from - i);
      expect(await readsOf(() => reader.newest(w, 100))).toEqual([1, 2]);
      expect(await readsOf(() => reader.newest(w, 100))).toEqual([1]);
      expect(await newest()).toEqual(seqsDown(250, 100));

      // The debit settles: the next page shows it, and from then on block 1 is sealed too.
      await t.db.collection<LedgerEntry>('ledger_entries').updateOne({ _id: entryId(w, 120) }, { $set: { status: 'SUCCESS' } });
      expect((await page(101, 150)).find(([seq]) => seq === 120)).toEqual([120, 'SUCCESS']);
      expect(await readsOf(() => reader.newest(w, 100))).toEqual([]);
      expect(await readsOf(() => page(1, 250))).toEqual([2]);

      // A top-up (this process's ledger or another's: the reader asks neither): the new slot is read by `_id`.
      const topUp = (by: LedgerService) => by.post({ opId: `TOP_UP:${newId()}`, walletId: w, entryType: 'TOP_UP', direction: 'CREDIT', amount: 5, refId: newId() });
      await topUp(ledger);
      expect(await readsOf(() => reader.newest(w, 100))).toEqual([]);
      expect(await newest()).toEqual(seqsDown(251, 100));
      const elsewhere = new LedgerService(t.app.get(LedgerRepository), t.app.get(AppConfig));
      await topUp(elsewhere);
      expect(await readsOf(() => reader.newest(w, 100))).toEqual([]);
      expect(await newest()).toEqual(seqsDown(252, 100));
      // More than NEW_SLOT_READS of them: the top block is read.
      for (let i = 0; i < NEW_SLOT_READS + 1; i++) await topUp(elsewhere);
      const head = 252 + NEW_SLOT_READS + 1;
      expect(await readsOf(() => reader.newest(w, 100))).toEqual([2]);
      expect(await newest()).toEqual(seqsDown(head, 100));
      expect(await readsOf(() => reader.newest(w, 100))).toEqual([]);
      // A PENDING entry on top is read by `_id` every time, never kept.
      const pending = await ledger.post({ opId: `PAYMENT:${newId()}`, walletId: w, entryType: 'PAYMENT', direction: 'DEBIT', amount: 5, refId: newId(), status: 'PENDING' });
      expect(pending.seq).toBe(head + 1);
      expect((await reader.newest(w, 1))[0]).toMatchObject({ seq: head + 1, status: 'PENDING' });
      await t.db.collection<LedgerEntry>('ledger_entries').updateOne({ _id: pending._id }, { $set: { status: 'SUCCESS' } });
      expect((await reader.newest(w, 1))[0]).toMatchObject({ seq: head + 1, status: 'SUCCESS' });
      // Exports and sums read around the cache.
      expect(await readsOf(() => reader.sumEntries({ walletId: w, lowest: 1, highest: 250 }))).toEqual([0, 1, 2]);
      const exported: number[] = [];
      expect(
        await readsOf(async () => {
          for await (const e of reader.stream({ walletId: w, lowest: 1, highest: 250 }, plain)) exported.push(e.seq);
        }),
      ).toEqual([0, 1, 2]);
      expect(exported).toEqual(Array.from({ length: 250 }, (_, i) => 250 - i));
      await client.close();
    });
  });

  describe('running totals', () => {
    itWithDatabase('are backfilled by migration 20261122000200 on entries written before them, once', async () => {
      // A database of its own, so the migration sees only this chain.
      const dbName = testDatabaseName('running');
      await migrateDatabase(process.env.MONGODB_URI!, dbName);
      const db = t.app.get<Connection>(getConnectionToken()).getClient().db(dbName);
      try {
        const w = newId();
        const start = at('2024-01-01 00:00:00').getTime();
        const items = Array.from({ length: 130 }, (_, i): ChainItem => ({ type: i % 3 === 1 ? 'PAYMENT' : 'TOP_UP', amount: i % 3 === 1 ? 1000 + (i % 7) : 3000, at: new Date(start + i * 60_000) }));
        const chain = buildChain(w, items);
        const entries = db.collection<LedgerEntry>('ledger_entries');
        await entries.insertMany(chain.map(({ running: _, ...entry }) => entry));

        // The migration's own `up`, with its writes counted.
        const { up } = require('../../migrations/20261122000200-ledger-running-totals.js') as { up(db: unknown): Promise<void> };
        let writes = 0;
        const counting = new Proxy(db, {
          get: (target, key) =>
            key === 'collection'
              ? (name: string) =>
                  new Proxy(target.collection(name), {
                    get: (c, k) => (k === 'bulkWrite' ? (...args: unknown[]) => (writes++, (c.bulkWrite as (...a: unknown[]) => unknown)(...args)) : Reflect.get(c, k, c)),
                  })
              : Reflect.get(target, key, target),
        });
        await up(counting);
        expect(writes).toBe(Math.ceil(130 / 20));
        // It writes the arrays of its time (`LegacyStoredTotals`), which the ledger reads as it reads its own strings.
        expect((await entries.find({ wallet_id: w }).sort({ seq: 1 }).toArray()).map((e: LedgerEntry) => totalsOf(e.running))).toEqual(chain.map((e) => totalsOf(e.running)));
        expect((await verifyLedger(db)).problems).toEqual([]);
        writes = 0;
        await up(counting);
        expect(writes).toBe(0);
      } finally {
        await db.dropDatabase();
      }
    });
  });

  describe('the CSV export', () => {
    it('escapes quotes, commas and line breaks, and defuses formulas', async () => {
      const u = await newUser(t);
      await t.http().post('/topup').set(u.auth).send({ amount: 100000 }).expect(201);
      const remarks = ['=HYPERLINK("http://evil.example","click")', 'Nasi goreng, "pedas"', 'line one\nline two', '+62 811', '@home', '-5 diskon'];
      for (const r of remarks) await t.http().post('/pay').set(u.auth).send({ amount: 10, remarks: r }).expect(201);
      const res = await t.http().get('/transactions/export').set(u.auth).query({ type: 'PAYMENT' }).expect(200);
      expect(res.text).toContain('"\'=HYPERLINK(""http://evil.example"",""click"")"');
      const records = parseCsv(res.text);
      expect(records.slice(1).map((r) => r[8])).toEqual([...remarks].reverse().map((r) => (/^[=+\-@]/.test(r) ? `'${r}` : r)));
      expect(records.slice(1).every((r) => r.length === 14)).toBe(true);
    });

    itWithDatabase('streams a large export', async () => {
      const u = await newUser(t);
      const start = Date.now() - 3_000_000;
      await seed(
        u.userId,
        Array.from({ length: 3000 }, (_, i) => ({ kind: 'TOP_UP' as const, amount: 1, at: new Date(start + i * 1000) })),
      );
      const res = await t.http().get('/transactions/export').set(u.auth).expect(200);
      const records = parseCsv(res.text);
      expect(records).toHaveLength(3001);
      expect(records[1][10]).toBe('3000');
      expect(records[3000][10]).toBe('1');
    });
  });

  describe('bad parameters', () => {
    let u: TestUser;
    beforeAll(async () => {
      u = await newUser(t);
      for (let i = 0; i < 3; i++) await t.http().post('/topup').set(u.auth).send({ amount: 100 }).expect(201);
    });

    it.each([
      [{ limit: 0 }, 'limit'],
      [{ limit: 1001 }, 'limit'],
      [{ limit: 'abc' }, 'limit'],
      [{ limit: '1.5' }, 'limit'],
      [{ limit: '-3' }, 'limit'],
      [{ type: 'REFUND' }, 'type'],
      [{ transaction_type: 'credit' }, 'transaction_type'],
      [{ status: 'DONE' }, 'status'],
      [{ from: '2021-13-01' }, 'from'],
      [{ from: '01-04-2021' }, 'from'],
      [{ to: '2021-02-30' }, 'to'],
      [{ from: '2021-04-02', to: '2021-04-01' }, 'from'],
      [{ cursor: 'not-a-cursor' }, 'cursor'],
      [{ sort: 'asc' }, 'sort'],
    ])('answers 400 for %j', async (query, field) => {
      const res = await list(u, query).expect(400);
      expect(res.body).toMatchObject({ code: 'VALIDATION_FAILED', message: expect.stringMatching(/^Validation failed: /) });
      expect(Object.keys(res.body.errors)).toContain(field);
    });

    it('refuses a tampered cursor, and a cursor used with other filters or by another user', async () => {
      const first = (await list(u, { limit: 1 }).expect(200)).body.pagination;
      expect(first.has_more).toBe(true);
      const cursor: string = first.next_cursor;
      await list(u, { limit: 1, cursor }).expect(200);
      const [body, mac] = cursor.split('.');
      const forged = Buffer.from(JSON.stringify({ v: 1, b: 50, l: 1 })).toString('base64url');
      for (const bad of [`${forged}.${mac}`, `${body}.${mac.slice(0, -1)}${mac.endsWith('A') ? 'B' : 'A'}`, `${body}x.${mac}`, body, `${cursor}.x`]) {
        expect((await list(u, { limit: 1, cursor: bad }).expect(400)).body.errors).toHaveProperty('cursor');
      }
      await list(u, { limit: 1, cursor, type: 'TOP_UP' }).expect(400);
      const other = await newUser(t);
      await list(other, { limit: 1, cursor }).expect(400);
      await t.http().get('/transactions/summary').set(u.auth).query({ from: '2021-04-02', to: '2021-04-01' }).expect(400);
      await t.http().get('/transactions/summary').set(u.auth).query({ limit: 5 }).expect(400);
      await t.http().get('/transactions/export').set(u.auth).query({ type: 'X' }).expect(400);
      const exportBad = await t.http().get('/transactions/export').set(u.auth).query({ from: 'yesterday' }).expect(400);
      expect(exportBad.headers['content-type']).toMatch(/application\/json/);
      expect(exportBad.headers['content-disposition']).toBeUndefined();
    });
  });

  it('documents the report routes in the OpenAPI document', async () => {
    const doc = (await t.http().get('/docs-json').expect(200)).body;
    for (const path of ['/transactions', '/transactions/summary', '/transactions/export', '/users/{id}/transactions', '/users/{id}/transactions/summary', '/users/{id}/transactions/export']) {
      const op = doc.paths[path]?.get;
      expect(op).toBeDefined();
      expect(op.tags).toEqual(['reports']);
      expect(op.security).toEqual([{ bearer: [] }]);
      expect(Object.keys(op.responses)).toEqual(expect.arrayContaining(['200', '400', '401']));
      if (path.startsWith('/users')) expect(Object.keys(op.responses)).toEqual(expect.arrayContaining(['403', '404']));
    }
    const params = doc.paths['/transactions'].get.parameters;
    expect(params.map((p: { name: string }) => p.name).sort()).toEqual(['cursor', 'from', 'limit', 'status', 'to', 'transaction_type', 'type']);
    expect(params.find((p: { name: string }) => p.name === 'limit').schema).toMatchObject({ minimum: 1, maximum: 1000, default: 100 });
    expect(params.find((p: { name: string }) => p.name === 'type').schema.enum).toEqual(['TOP_UP', 'PAYMENT', 'TRANSFER', 'HOLD']);
    expect(doc.paths['/transactions/export'].get.responses['200'].content).toHaveProperty('text/csv');
  });
});
