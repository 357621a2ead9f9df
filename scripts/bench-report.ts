/*
 * Report performance on a long history.
 *
 *   MONGODB_URI=mongodb://127.0.0.1:27017/ REDIS_URL=redis://127.0.0.1:6379 \
 *     npx ts-node --transpile-only scripts/bench-report.ts
 *
 * Creates its own database (`dompet_test_bench_<random>`), applies the migrations, writes one
 * wallet of BENCH_ENTRIES (default 100,000) consistent ledger entries (contiguous seq, chained
 * balances, top-ups, payments and transfers over about a year) plus a few small wallets, boots the
 * API in this process on 127.0.0.1, logs in through POST /login, then measures:
 *   - first page (GET /transactions?limit=100), big wallet and a small wallet in the same collection;
 *   - the first page again while one top-up lands before each request, through the API's own ledger
 *     (it knows the new head) and through another process's (it finds out by reading);
 *   - deep pages: the same cursor every time (seq 50,000), and random cursors over the whole history,
 *     at the end of a block (one `page_key` block) or in its middle (a window across two);
 *   - filtered page (type=PAYMENT and a 30-day period): first page (locates the period) and next page;
 *     and a rare filter (status=FAILED, about 1 entry in 100), which examines a whole 5,000-entry window;
 *   - the summary of 30 days and of the whole history (running totals), and the same period's totals
 *     summed from the entries (what a summary does when running totals do not reconcile);
 *   - the CSV export of the whole big wallet: rows/s and the peak RSS of this process;
 *   - the database primitives, through the driver: one `_id` lookup, one seq-range query, a page of
 *     100 built from `_id` lookups (SLOT_READS_IN_FLIGHT in flight, the shape the API used on FerretDB
 *     before `page_key`) and a page of 100 built from the two `{page_key}` blocks covering it (the
 *     shape the API uses on FerretDB for plain pages), for comparison with the range query.
 * A successful transfer is stored as the service writes it: its debit entry stays `PENDING` and the
 * sender's `transfer.succeeded` status event (with the debit's `page_key`) is its success, so every
 * block of the history that holds one costs the reports one `{page_key}` read of `status_events`.
 * BENCH_EXPORT_IN_PROCESS=1 serves the CSV export from this process's API (as versions of this bench
 * before the separate export process did), to compare rows/s with their figures.
 * BENCH_TRANSFER_SHAPE=entry stores them as versions before 854823e did (`SUCCESS` on the debit entry,
 * no event), to measure what that read costs; BENCH_EVENT_PAYLOAD=1 stores each event with its payload,
 * as versions before 2026-11-29 did.
 * The export's line also gives the CPU that FerretDB and PostgreSQL spent during it (every process of
 * this machine whose command line names them), for the database's cost per row.
 * Each scenario runs up to BENCH_REQUESTS (200) requests or BENCH_SCENARIO_SECONDS (20 s), at least
 * 3 (1 for the slowest comparison, and 1 for every scenario once BENCH_MEASURE_SECONDS (200 s) of
 * measuring have passed), so the whole run stays under 5 minutes on FerretDB. BENCH_ONLY (a regular
 * expression, e.g. `^first page|lookup|CSV`) runs only the scenarios whose name it matches (the CSV
 * export is named `CSV export`). The database is dropped at the end.
 */
import 'reflect-metadata';
import { hash } from '@node-rs/argon2';
import { NestFactory } from '@nestjs/core';
import { NestExpressApplication } from '@nestjs/platform-express';
import { spawn } from 'node:child_process';
import { createWriteStream, mkdirSync, readdirSync, readFileSync } from 'node:fs';
import http from 'node:http';
import { join } from 'node:path';
import { randomInt } from 'node:crypto';
import { Db, MongoClient } from 'mongodb';
import { AppModule } from '../src/app.module';
import { configureApp } from '../src/bootstrap';
import { newId } from '../src/common/util/ids';
import { AppConfig } from '../src/config/app-config';
import { ReportCursorCodec } from '../src/modules/reports/domain/report-cursor';
import { describeSelection } from '../src/modules/reports/domain/report-filter';
import { LedgerReader } from '../src/modules/reports/persistence/ledger-reader';
import { LedgerService } from '../src/modules/wallet/ledger/ledger.service';
import { LedgerRepository } from '../src/modules/wallet/persistence/ledger.repository';
import { entryId, EntryType, LedgerEntry, NO_TOTALS, pageKey, pageKeyOf, pageOf, runningAfter, storedTotals } from '../src/modules/wallet/domain/ledger-entry';
import { STATUS_EVENTS_COLLECTION, StatusEventDocument, statusEventId } from '../src/modules/status-events/status-event.schema';
import { transferSucceededKey } from '../src/modules/status-events/status-event';
import { transferSucceededData } from '../src/modules/events/domain/wallet-event';
import { compiledApp, REPO_ROOT } from '../test/fault/support/build';
import { freePort, ServiceProcess, whenReady } from '../test/fault/support/cluster';
import { migrateDatabase, testDatabaseName, testEnvironment } from '../test/support/test-app';

const ENTRIES = Number(process.env.BENCH_ENTRIES ?? 100_000);
const SMALL_WALLETS = 4;
const SMALL_ENTRIES = 500;
const MAX_REQUESTS = Number(process.env.BENCH_REQUESTS ?? 200);
const SCENARIO_SECONDS = Number(process.env.BENCH_SCENARIO_SECONDS ?? 20);
const MIN_REQUESTS = 3;
/** After this many seconds of measuring, every further scenario settles for a single request. */
const MEASURE_SECONDS = Number(process.env.BENCH_MEASURE_SECONDS ?? 200);
const ONLY = process.env.BENCH_ONLY ? new RegExp(process.env.BENCH_ONLY) : null;
let measureDeadline = Infinity;
const INSERT_BATCH = 5000;
/** `_id` lookups in flight for the page built from them (the shape the API used on FerretDB before `page_key`). */
const SLOT_READS_IN_FLIGHT = 16;
const YEAR_MS = 365 * 24 * 3600 * 1000;
/** `event`: a successful transfer's debit stays `PENDING`, its success event carries it (the service's shape); `entry`: `SUCCESS` on the debit. */
const TRANSFER_SHAPE = process.env.BENCH_TRANSFER_SHAPE === 'entry' ? 'entry' : 'event';
/** Each `transfer.succeeded` with its payload, as versions before 2026-11-29 recorded it (the service now stores none). */
const EVENT_PAYLOAD = process.env.BENCH_EVENT_PAYLOAD === '1';
/** The CSV export served by this process's API rather than by a separate API process. */
const EXPORT_IN_PROCESS = process.env.BENCH_EXPORT_IN_PROCESS === '1';

interface Result {
  name: string;
  shape: string;
  samples: number[];
  rows: number;
}

const out = (line = '') => process.stdout.write(`${line}\n`);

function percentile(sorted: number[], p: number): number {
  if (!sorted.length) return NaN;
  return sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)];
}

/**
 * A consistent chain: seq 1..n, balances and running totals chained, never negative, a mix of every kind;
 * with the status events of its successful transfers (TRANSFER_SHAPE `event`).
 */
function chain(walletId: string, n: number, start: number, span: number, counterparty: string): { entries: LedgerEntry[]; events: StatusEventDocument[] } {
  const entries: LedgerEntry[] = [];
  const events: StatusEventDocument[] = [];
  let balance = 0;
  let running = NO_TOTALS;
  for (let seq = 1; seq <= n; seq++) {
    const roll = seq === 1 ? 0 : randomInt(100);
    let type: EntryType = roll < 30 ? 'TOP_UP' : roll < 75 ? 'PAYMENT' : roll < 88 ? 'TRANSFER_OUT' : roll < 97 ? 'TRANSFER_IN' : 'TRANSFER_REFUND';
    let amount = randomInt(1, 200) * 1000;
    const credit = type === 'TOP_UP' || type === 'TRANSFER_IN' || type === 'TRANSFER_REFUND';
    if (!credit && amount > balance) {
      type = 'TOP_UP';
      amount = 500_000;
    }
    const isCredit = type === 'TOP_UP' || type === 'TRANSFER_IN' || type === 'TRANSFER_REFUND';
    const before = balance;
    balance += isCredit ? amount : -amount;
    const ref = newId();
    entries.push({
      _id: entryId(walletId, seq),
      wallet_id: walletId,
      seq,
      page_key: pageKeyOf(walletId, seq),
      op_id: `${type}:${ref}`,
      entry_type: type,
      transaction_type: isCredit ? 'CREDIT' : 'DEBIT',
      amount,
      balance_before: before,
      balance_after: balance,
      remarks: type === 'TOP_UP' ? '' : type === 'PAYMENT' ? `Pembayaran #${seq}` : `Transfer #${seq}`,
      ref_id: ref,
      counterparty_id: type.startsWith('TRANSFER_') ? counterparty : null,
      status: type === 'TRANSFER_OUT' ? (roll % 10 === 0 ? 'FAILED' : TRANSFER_SHAPE === 'event' ? 'PENDING' : 'SUCCESS') : 'SUCCESS',
      created_at: new Date(start + Math.floor(((seq - 1) * span) / n)),
    });
    const entry = entries[entries.length - 1];
    entry.running = storedTotals((running = runningAfter(running, entry)));
    if (type === 'TRANSFER_OUT' && entry.status === 'PENDING') {
      const at = events.length + 1;
      const data = { ...entry, status: 'SUCCESS' as const };
      events.push({
        _id: statusEventId(walletId, at),
        user_id: walletId,
        n: at,
        key: transferSucceededKey(ref),
        type: 'transfer.succeeded',
        after_seq: seq,
        page_key: entry.page_key,
        created_at: new Date(entry.created_at.getTime() + 1000),
        ...(EVENT_PAYLOAD ? { data: transferSucceededData(data, 'Asia/Jakarta') as unknown as Record<string, unknown> } : {}),
      });
    }
  }
  return { entries, events };
}

/** Writes the chains (in batches) and each wallet's head hint; nothing of it stays in memory. */
async function seed(db: Db, walletIds: string[], start: number, bigCounterparty: string, smallCounterparty: string, now: Date): Promise<void> {
  for (const [i, walletId] of walletIds.entries()) {
    const { entries, events } = i === 0 ? chain(walletId, ENTRIES, start, YEAR_MS, bigCounterparty) : chain(walletId, SMALL_ENTRIES, start, YEAR_MS, smallCounterparty);
    for (let j = 0; j < entries.length; j += INSERT_BATCH) await db.collection<LedgerEntry>('ledger_entries').insertMany(entries.slice(j, j + INSERT_BATCH), { ordered: false });
    for (let j = 0; j < events.length; j += INSERT_BATCH) await db.collection<StatusEventDocument>(STATUS_EVENTS_COLLECTION).insertMany(events.slice(j, j + INSERT_BATCH), { ordered: false });
    const head = entries[entries.length - 1];
    await db.collection('wallets').insertOne({ _id: walletId, seq: head.seq, balance: head.balance_after, updated_at: now } as never);
  }
}

function get(baseUrl: string, path: string, token: string): Promise<{ status: number; body: string }> {
  return new Promise((resolve, reject) => {
    const req = http.get(`${baseUrl}${path}`, { headers: { Authorization: `Bearer ${token}` } }, (res) => {
      let body = '';
      res.setEncoding('utf8');
      res.on('data', (d: string) => (body += d));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, body }));
    });
    req.on('error', reject);
  });
}

/** Runs `run` repeatedly and times it; `before` (not timed) runs before each request. */
async function scenario(name: string, shape: string, run: () => Promise<number>, minRequests = MIN_REQUESTS, before?: () => Promise<unknown>): Promise<Result | null> {
  if (ONLY && !ONLY.test(name)) return null;
  const samples: number[] = [];
  let rows = 0;
  const deadline = Date.now() + SCENARIO_SECONDS * 1000;
  const wanted = Date.now() > measureDeadline ? 1 : minRequests;
  while (samples.length < MAX_REQUESTS && (samples.length < wanted || Date.now() < deadline)) {
    await before?.();
    const t = process.hrtime.bigint();
    rows = await run();
    samples.push(Number(process.hrtime.bigint() - t) / 1e6);
  }
  samples.sort((a, b) => a - b);
  out(`  ${name}: ${samples.length} requests, p50 ${percentile(samples, 50).toFixed(1)} ms, p99 ${percentile(samples, 99).toFixed(1)} ms`);
  return { name, shape, samples, rows };
}

/** A line of /proc/<pid>/status in bytes (`VmRSS`: resident now; `VmHWM`: the highest it has been). */
function procStatus(pid: number, field: 'VmRSS' | 'VmHWM'): number {
  const m = new RegExp(`^${field}:\\s+(\\d+) kB`, 'm').exec(readFileSync(`/proc/${pid}/status`, 'utf8'));
  return m ? Number(m[1]) * 1024 : NaN;
}
const rssOf = (pid: number) => procStatus(pid, 'VmRSS');
/** CPU time of `pid` so far (user + system), in ms (/proc/<pid>/stat, clock ticks of 10 ms). */
function cpuMsOf(pid: number): number {
  const fields = readFileSync(`/proc/${pid}/stat`, 'utf8').replace(/^.*\) /s, '').split(' ');
  return (Number(fields[11]) + Number(fields[12])) * 10;
}
const highWaterOf = (pid: number) => procStatus(pid, 'VmHWM');

/** CPU ms spent so far by this machine's FerretDB and PostgreSQL processes (read from /proc; 0 where there is none). */
function databaseCpuMs(): { ferretdb: number; postgres: number } {
  const cpu = { ferretdb: 0, postgres: 0 };
  for (const pid of readdirSync('/proc')) {
    if (!/^\d+$/.test(pid)) continue;
    try {
      const command = readFileSync(`/proc/${pid}/cmdline`, 'latin1').split('\0')[0];
      const kind = /(^|\/)ferretdb$/.test(command) ? 'ferretdb' : /^postgres(:|$)|\/postgres$/.test(command) ? 'postgres' : null;
      if (kind) cpu[kind] += cpuMsOf(Number(pid));
    } catch {
      // the process ended meanwhile
    }
  }
  return cpu;
}

/** The compiled API (`node main.js`, APP_ROLE=api) on a free port of 127.0.0.1, on the benchmark's database. */
async function startApiProcess(env: NodeJS.ProcessEnv): Promise<ServiceProcess> {
  const compiled = compiledApp(out);
  const port = await freePort();
  const child = spawn(process.execPath, [compiled.main], { cwd: REPO_ROOT, env: { ...env, APP_ROLE: 'api', HOST: '127.0.0.1', PORT: String(port) }, stdio: ['ignore', 'pipe', 'pipe'] });
  const logDir = join(REPO_ROOT, '.local', 'process-logs');
  mkdirSync(logDir, { recursive: true });
  const log = createWriteStream(join(logDir, `bench-report-api-${process.pid}.log`));
  child.stderr!.pipe(log);
  const proc = new ServiceProcess('bench-report-api', child, join(logDir, `bench-report-api-${process.pid}.log`), `http://127.0.0.1:${port}`);
  await whenReady(proc, 'listening on');
  return proc;
}

async function main(): Promise<void> {
  const started = Date.now();
  const dbName = testDatabaseName('bench');
  // The seeded wallet's balance grows without bound; the cap is not what this measures.
  const env = testEnvironment(dbName, { LOG_LEVEL: 'silent', MAX_BALANCE: String(Number.MAX_SAFE_INTEGER) });
  const client = await MongoClient.connect(env.MONGODB_URI!);
  const db = client.db(dbName);
  let app: NestExpressApplication | undefined;
  let exporter: ServiceProcess | undefined;
  try {
    out(`database ${dbName} on ${env.MONGODB_URI}`);
    await migrateDatabase(env.MONGODB_URI!, dbName);
    const server = await db.admin().command({ buildInfo: 1 });
    const backend = server.ferretdbVersion ? `FerretDB ${server.ferretdbVersion}` : `MongoDB ${server.version}`;

    // Users: one with the long history, a few small ones, all able to log in.
    const pin = '135790';
    const pinHash = await hash(pin);
    const now = new Date();
    const users = Array.from({ length: 1 + SMALL_WALLETS }, (_, i) => ({
      _id: newId(),
      first_name: i === 0 ? 'Bench' : `Small${i}`,
      last_name: 'Report',
      phone_number: `0899${String(randomInt(0, 100_000_000)).padStart(8, '0')}`,
      address: 'Jl. Benchmark No. 1, Jakarta',
      pin_hash: pinHash,
      role: 'USER',
      status: 'ACTIVE',
      wallet_frozen: false,
      token_version: 0,
      created_at: now,
      updated_at: now,
    }));
    await db.collection('users').insertMany(users as never[]);
    await db.collection('user_phones').insertMany(users.map((u) => ({ _id: u.phone_number, user_id: u._id, created_at: now })) as never[]);

    const big = users[0];
    const start = Date.now() - YEAR_MS;
    const seedStart = Date.now();
    await seed(db, [big._id, ...users.slice(1).map((u) => u._id)], start, users[1]._id, big._id, now);
    const total = ENTRIES + SMALL_WALLETS * SMALL_ENTRIES;
    out(`seeded ${total} entries (${ENTRIES} in one wallet) in ${((Date.now() - seedStart) / 1000).toFixed(1)} s on ${backend}; successful transfers stored as: ${TRANSFER_SHAPE === 'event' ? 'a PENDING debit and its success event' : 'a SUCCESS debit'}`);

    // The API in this process, as main.ts sets it up.
    const config = AppConfig.fromEnv(env);
    app = await NestFactory.create<NestExpressApplication>(AppModule.forRoot(config), { bodyParser: false, bufferLogs: true, logger: false });
    configureApp(app, config);
    await app.listen(0, '127.0.0.1');
    const baseUrl = `http://127.0.0.1:${(app.getHttpServer().address() as { port: number }).port}`;
    const login = async (phone: string) => {
      const res = await fetch(`${baseUrl}/login`, { method: 'POST', headers: { 'Content-Type': 'application/json' }, body: JSON.stringify({ phone_number: phone, pin }) });
      if (res.status !== 200) throw new Error(`POST /login answered ${res.status}: ${await res.text()}`);
      return ((await res.json()) as { result: { access_token: string } }).result.access_token;
    };
    const token = await login(big.phone_number);
    const smallToken = await login(users[1].phone_number);

    const page = async (path: string, tok = token) => {
      const res = await get(baseUrl, path, tok);
      if (res.status !== 200) throw new Error(`GET ${path} answered ${res.status}: ${res.body.slice(0, 300)}`);
      return (JSON.parse(res.body) as { result: unknown[] }).result.length;
    };

    const entries = db.collection<LedgerEntry>('ledger_entries');
    const results: (Result | null)[] = [];
    measureDeadline = Date.now() + MEASURE_SECONDS * 1000;
    out('database primitives (driver):');
    results.push(await scenario('`_id` lookup', '{_id: "<wallet>:<seq>"}', async () => ((await entries.findOne({ _id: entryId(big._id, randomInt(1, ENTRIES)) })) ? 1 : 0)));
    results.push(
      await scenario('seq-range query, 100 entries', '{wallet_id, seq: {$gte, $lte}} sort {seq: -1} limit 101', async () => {
        const hi = randomInt(100, ENTRIES);
        return (await entries.find({ wallet_id: big._id, seq: { $gte: hi - 99, $lte: hi } }).sort({ seq: -1 }).limit(101).toArray()).length;
      }),
    );
    results.push(
      await scenario(
        `page of 100 by \`_id\` lookups, ${SLOT_READS_IN_FLIGHT} in flight`,
        '100 × {_id: "<wallet>:<seq>"}',
        async () => {
          const hi = randomInt(100, ENTRIES);
          let next = hi;
          let found = 0;
          await Promise.all(
            Array.from({ length: SLOT_READS_IN_FLIGHT }, async () => {
              while (next > hi - 100) {
                const seq = next--;
                if (await entries.findOne({ _id: entryId(big._id, seq) })) found++;
              }
            }),
          );
          return found;
        },
        1,
      ),
    );

    results.push(
      await scenario('page of 100 by `page_key` blocks, in parallel', '2 × {page_key: "<wallet>:<page>"}, filtered and sorted in the process', async () => {
        const hi = randomInt(100, ENTRIES);
        const lo = hi - 99;
        const blocks = await Promise.all([pageOf(hi), pageOf(lo)].filter((p, i, all) => all.indexOf(p) === i).map((p) => entries.find({ page_key: pageKey(big._id, p) }).toArray()));
        return blocks
          .flat()
          .filter((e) => e.seq >= lo && e.seq <= hi)
          .sort((a, b) => b.seq - a.seq).length;
      }),
    );

    out('HTTP (in-process API):');
    // What the adapter does for a plain page: `page_key` blocks on FerretDB (FerretDbLedgerReader), one range query on MongoDB (MongoLedgerReader).
    const ferret = Boolean(server.ferretdbVersion);
    const plain = ferret ? '2 `page_key` block reads (1 when aligned), in parallel' : '1 range query';
    const newest = ferret ? '1 round: 2 `page_key` block reads + `_id` of the slot after the head, in parallel' : '1 query {wallet_id} sort {seq: -1} limit 100';
    const kept = ferret ? '; a full settled block is kept in memory after its first read' : '';
    results.push(await scenario('first page, limit 100', `${newest}${kept}`, () => page('/transactions?limit=100')));
    results.push(await scenario(`first page, small wallet (${SMALL_ENTRIES} entries)`, `${newest}${kept}`, () => page('/transactions?limit=100', smallToken)));
    // A live wallet: one top-up lands before each request (not timed). Through this process's ledger,
    // the API knows the new head; through another process's, it finds the slot after its head taken.
    let appended = 0;
    const topUpBy = (ledger: LedgerService) => async () => {
      const ref = newId();
      await ledger.post({ opId: `TOP_UP:${ref}`, walletId: big._id, entryType: 'TOP_UP', direction: 'CREDIT', amount: 1000, refId: ref });
      appended++;
    };
    // The reader remembers the last head it saw, so both cases read the same way on FerretDB.
    const onTop = ferret ? '1 round: `_id` of the two slots after the last head seen (the first one taken; 2 rounds the first time); the rest in memory' : newest;
    const elsewhere = onTop;
    results.push(await scenario('first page, a top-up through this API before each request', onTop, () => page('/transactions?limit=100'), MIN_REQUESTS, topUpBy(app.get(LedgerService))));
    const otherProcess = new LedgerService(app.get(LedgerRepository), config);
    results.push(await scenario('first page, a top-up through another process before each request', elsewhere, () => page('/transactions?limit=100'), MIN_REQUESTS, topUpBy(otherProcess)));
    const codec = app.get(ReportCursorCodec);
    const cursorAt = (seq: number) => codec.encode({ beforeSeq: seq + 1, lowestSeq: 1 }, describeSelection(big._id, {}, { from: null, toExclusive: null }));
    const middle = Math.floor(ENTRIES / 2);
    results.push(await scenario(`deep page, the same cursor each time (seq ${middle.toLocaleString('en')})`, `${plain}${kept}`, () => page(`/transactions?limit=100&cursor=${cursorAt(middle)}`)));
    // Random positions over the whole history: few of them have been read before.
    const blocks = Math.floor(ENTRIES / 100);
    results.push(await scenario('deep page, random cursor at the end of a block (1 block)', plain, () => page(`/transactions?limit=100&cursor=${cursorAt(100 * randomInt(1, blocks + 1))}`)));
    results.push(await scenario('deep page, random cursor mid-block (2 blocks)', plain, () => page(`/transactions?limit=100&cursor=${cursorAt(100 * randomInt(1, blocks) + 50)}`)));
    const fmt = (d: Date) => d.toISOString().slice(0, 10);
    const periodFrom = fmt(new Date(start + YEAR_MS / 2));
    const periodTo = fmt(new Date(start + YEAR_MS / 2 + 29 * 24 * 3600 * 1000));
    const filtered = `/transactions?limit=100&type=PAYMENT&from=${periodFrom}&to=${periodTo}`;
    let filteredCursor = '';
    results.push(
      await scenario(`filtered first page (PAYMENT, ${periodFrom}..${periodTo})`, `head + 2 binary searches (\`_id\`) + ${ferret ? 'block reads, 4 in flight, until 101 matches' : '1 range query'}`, async () => {
        const res = await get(baseUrl, filtered, token);
        const body = JSON.parse(res.body) as { result: unknown[]; pagination: { next_cursor: string | null } };
        filteredCursor = body.pagination.next_cursor ?? '';
        return body.result.length;
      }),
    );
    if (filteredCursor) {
      results.push(
        await scenario('filtered next page (cursor)', ferret ? 'block reads, 4 in flight, until 101 matches (at most the 5,000-entry window)' : '1 range query (5,000-entry window)', () =>
          page(`${filtered}&cursor=${filteredCursor}`),
        ),
      );
    }
    // A filter that matches about 1 entry in 100 (failed transfers): the page examines its whole 5,000-entry window.
    results.push(
      await scenario('rare filter first page (status FAILED)', ferret ? 'head + 50 block reads, 4 in flight' : '1 range query (5,000-entry window)', () => page('/transactions?limit=100&status=FAILED')),
    );
    const summary = async (query: string) => {
      const res = await get(baseUrl, `/transactions/summary${query}`, token);
      if (res.status !== 200) throw new Error(`summary answered ${res.status}: ${res.body.slice(0, 300)}`);
      return (JSON.parse(res.body) as { result: { count: number } }).result.count;
    };
    const sums = '`_id` of the first and last entry of the period and of the one before (running totals)';
    results.push(await scenario(`summary, 30 days (${periodFrom}..${periodTo})`, `head + 2 binary searches + ${sums}`, () => summary(`?from=${periodFrom}&to=${periodTo}`)));
    results.push(await scenario('summary, whole history', `head + ${sums}`, () => summary('')));
    // The same period summed from its entries, as a summary does when running totals do not reconcile.
    const reader = app.get(LedgerReader);
    const summed = ferret ? 'block reads, 8 in flight, 3 fields each' : '2 `$group`s over the range, side by side';
    const count = (totals: { counts: Record<string, number> }) => Object.values(totals.counts).reduce((n, c) => n + c, 0);
    results.push(await scenario('totals summed from 8,219 entries (the fallback when running totals do not reconcile)', summed, async () => count(await reader.sumEntries({ walletId: big._id, lowest: 1, highest: 8219 }))));

    let exportTable: string[] = [];
    if (!ONLY || ONLY.test('CSV export')) {
      // The export is served by a separate API process (the compiled app, `node main.js`, APP_ROLE=api,
      // as in production) so that its memory is the server's alone: this process holds the client, the
      // seeding's leftovers and the in-process API of the scenarios above.
      // BENCH_EXPORT_IN_PROCESS=1: served by this process's API instead, as before the separate process
      // (what the figures of earlier versions' bench:report measured); RSS and CPU are then this process's.
      out(`CSV export of the whole big wallet (${EXPORT_IN_PROCESS ? 'this process' : 'a separate API process'}):`);
      if (!EXPORT_IN_PROCESS) exporter = await startApiProcess(env);
      const serverPid = exporter?.pid ?? process.pid;
      const serverUrl = exporter?.baseUrl ?? baseUrl;
      const rssBefore = rssOf(serverPid);
      let peakRss = rssBefore;
      const sampler = setInterval(() => (peakRss = Math.max(peakRss, rssOf(serverPid))), 20);
      const cpuBefore = cpuMsOf(serverPid);
      const databaseBefore = databaseCpuMs();
      const exportStart = process.hrtime.bigint();
      let firstByteMs = 0;
      const exported = await new Promise<{ lines: number; bytes: number }>((resolve, reject) => {
        http
          .get(`${serverUrl}/transactions/export`, { headers: { Authorization: `Bearer ${token}` } }, (res) => {
            if (res.statusCode !== 200) reject(new Error(`export answered ${res.statusCode}`));
            let lines = 0;
            let bytes = 0;
            res.on('data', (chunk: Buffer) => {
              if (!firstByteMs) firstByteMs = Number(process.hrtime.bigint() - exportStart) / 1e6;
              bytes += chunk.length;
              for (let i = chunk.indexOf(10); i !== -1; i = chunk.indexOf(10, i + 1)) lines++;
            });
            res.on('end', () => resolve({ lines, bytes }));
            res.on('error', reject);
          })
          .on('error', reject);
      });
      clearInterval(sampler);
      peakRss = Math.max(peakRss, rssOf(serverPid));
      const highWater = highWaterOf(serverPid);
      const apiCpuMs = cpuMsOf(serverPid) - cpuBefore;
      const databaseAfter = databaseCpuMs();
      const [ferretCpuMs, postgresCpuMs] = [databaseAfter.ferretdb - databaseBefore.ferretdb, databaseAfter.postgres - databaseBefore.postgres];
      const exportMs = Number(process.hrtime.bigint() - exportStart) / 1e6;
      const rows = exported.lines - 1;
      if (rows !== ENTRIES + appended) throw new Error(`export wrote ${rows} rows, expected ${ENTRIES + appended}`);
      exportTable = [
        '| export | rows | MB | first byte ms | total s | rows/s | API CPU s | FerretDB CPU s (µs/row) | PostgreSQL CPU s (µs/row) | API RSS before MB | API peak RSS MB | API VmHWM MB |',
        '|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|',
        `| ${ferret ? '1,000 `page_key` block reads, 4 in flight' : '1 streamed query, sort {seq: -1}, batches of 1,000'} | ${rows} | ${(exported.bytes / 1e6).toFixed(1)} | ${firstByteMs.toFixed(0)} | ${(exportMs / 1000).toFixed(1)} | ${Math.round(rows / (exportMs / 1000))} | ${(apiCpuMs / 1000).toFixed(1)} | ${(ferretCpuMs / 1000).toFixed(1)} (${Math.round((ferretCpuMs * 1000) / rows)}) | ${(postgresCpuMs / 1000).toFixed(1)} (${Math.round((postgresCpuMs * 1000) / rows)}) | ${(rssBefore / 1e6).toFixed(0)} | ${(peakRss / 1e6).toFixed(0)} | ${(highWater / 1e6).toFixed(0)} |`,
      ];
    }

    out();
    out(`## Report benchmark: ${ENTRIES} entries in one wallet, ${total} in the collection, ${backend}, ${process.platform} ${process.arch}, Node ${process.version}`);
    out();
    out('| scenario | query shape | requests | rows | p50 ms | p99 ms | max ms |');
    out('|---|---|---:|---:|---:|---:|---:|');
    for (const r of results.filter((x): x is Result => x !== null)) {
      out(`| ${r.name} | ${r.shape} | ${r.samples.length} | ${r.rows} | ${percentile(r.samples, 50).toFixed(1)} | ${percentile(r.samples, 99).toFixed(1)} | ${r.samples[r.samples.length - 1].toFixed(1)} |`);
    }
    out();
    for (const line of exportTable) out(line);
    out();
    out(`total run ${((Date.now() - started) / 1000).toFixed(0)} s`);
  } finally {
    await exporter?.kill('SIGTERM');
    await app?.close().catch(() => undefined);
    await db.dropDatabase().catch(() => undefined);
    await client.close();
  }
}

main().then(
  () => process.exit(0),
  (err) => {
    process.stderr.write(`bench-report failed: ${(err as Error).stack ?? err}\n`);
    process.exit(1);
  },
);
