/*
 * Payment throughput: POST /pay over HTTP against the ledger step called directly.
 *
 *   npm run bench:pay                 # starts FerretDB and Redis under .local/bench when needed
 *   MONGODB_URI=… REDIS_URL=… npm run bench:pay
 *
 * Creates its own database (`dompet_test_benchpay_<random>`), applies the migrations and starts the
 * API as a separate process (APP_ROLE=api, 127.0.0.1, a free port). Then BENCH_REQUESTS (1000)
 * payments of 1 in each scenario, BENCH_CONNECTIONS (16) at a time:
 *   1. autocannon against POST /pay, every request on the next of BENCH_WALLETS (32) wallets;
 *   2. autocannon against POST /pay, every request on one hot wallet;
 *   3. the ledger step alone (LedgerService.post, no HTTP, no session, no idempotency), in this
 *      process, with the same concurrency: distinct wallets, then one hot wallet;
 * prints requests/s and latency p50/p99 for each and the ratio API/raw, checks that the payment
 * entries written equal the successful calls (every request runs to its end), runs the ledger verifier over the whole database and exits non-zero on any
 * mismatch. The database is dropped at the end unless BENCH_KEEP=1.
 */
import 'reflect-metadata';
import { ChildProcess, execFileSync, spawn } from 'node:child_process';
import { createServer } from 'node:net';
import { NestFactory } from '@nestjs/core';
import { MongoClient } from 'mongodb';
import { AppModule } from '../src/app.module';
import { newId } from '../src/common/util/ids';
import { AppConfig } from '../src/config/app-config';
import { verifyLedger } from '../src/modules/reconciliation';
import { LedgerService } from '../src/modules/wallet/ledger/ledger.service';
import { payLoad } from '../test/fault/support/bench';
import { migrateDatabase, testDatabaseName, testEnvironment } from '../test/support/test-app';

const REQUESTS = Number(process.env.BENCH_REQUESTS ?? 1000);
const CONNECTIONS = Number(process.env.BENCH_CONNECTIONS ?? 16);
const WALLETS = Number(process.env.BENCH_WALLETS ?? 32);
const START_BALANCE = 10_000_000;

const out = (line = '') => process.stdout.write(`${line}\n`);

interface Row {
  name: string;
  ok: number;
  errors: number;
  perSecond: number;
  p50: number;
  p99: number;
}

/** Uses MONGODB_URI/REDIS_URL when both are set; otherwise starts the local servers under .local/bench. */
function servers(): { MONGODB_URI: string; REDIS_URL: string } {
  if (process.env.MONGODB_URI && process.env.REDIS_URL) return { MONGODB_URI: process.env.MONGODB_URI, REDIS_URL: process.env.REDIS_URL };
  const lines = execFileSync('bash', ['scripts/services.sh', 'start', '--state', '.local/bench'], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'inherit'] });
  const env: Record<string, string> = {};
  for (const m of lines.matchAll(/^export (\w+)=(\S+)$/gm)) env[m[1]] = m[2];
  if (!env.MONGODB_URI || !env.REDIS_URL) throw new Error('scripts/services.sh start printed no MONGODB_URI/REDIS_URL');
  return { MONGODB_URI: env.MONGODB_URI, REDIS_URL: env.REDIS_URL };
}

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const srv = createServer();
    srv.once('error', reject);
    srv.listen(0, '127.0.0.1', () => {
      const { port } = srv.address() as { port: number };
      srv.close(() => resolve(port));
    });
  });
}

async function call(base: string, method: string, path: string, body?: unknown, token?: string): Promise<{ status: number; body: any }> {
  const res = await fetch(`${base}${path}`, {
    method,
    headers: { 'content-type': 'application/json', ...(token ? { authorization: `Bearer ${token}` } : {}) },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  return { status: res.status, body: await res.json().catch(() => null) };
}

async function expectStatus(p: Promise<{ status: number; body: any }>, status: number, what: string): Promise<any> {
  const res = await p;
  if (res.status !== status) throw new Error(`${what} answered ${res.status}: ${JSON.stringify(res.body)}`);
  return res.body;
}

/** Registers, logs in and tops up one user; returns its id and access token. */
async function fundedUser(base: string, n: number): Promise<{ userId: string; token: string }> {
  const phone = `0899${String(Date.now() % 1_000_000).padStart(6, '0')}${String(n).padStart(2, '0')}`.slice(0, 13);
  const pin = String(100000 + n);
  const reg = await expectStatus(call(base, 'POST', '/register', { first_name: 'Bench', last_name: `User ${String.fromCharCode(65 + (n % 26))}`, phone_number: phone, address: 'Jakarta', pin }), 201, 'POST /register');
  const login = await expectStatus(call(base, 'POST', '/login', { phone_number: phone, pin }), 200, 'POST /login');
  const token = login.result.access_token as string;
  await expectStatus(call(base, 'POST', '/topup', { amount: START_BALANCE }, token), 201, 'POST /topup');
  return { userId: reg.result.user_id as string, token };
}

async function startApi(env: NodeJS.ProcessEnv, base: string): Promise<ChildProcess> {
  const child = spawn(process.execPath, ['-r', 'ts-node/register/transpile-only', 'src/main.ts'], { env, stdio: ['ignore', 'ignore', 'inherit'] });
  const deadline = Date.now() + 90_000;
  while (Date.now() < deadline) {
    if (child.exitCode !== null) throw new Error(`the API process exited with code ${child.exitCode}`);
    const ready = await fetch(`${base}/health/ready`).then((r) => r.status === 200, () => false);
    if (ready) return child;
    await new Promise((r) => setTimeout(r, 250));
  }
  child.kill('SIGKILL');
  throw new Error('the API process did not become ready within 90 s');
}

async function httpScenario(name: string, base: string, tokens: string[]): Promise<Row> {
  const { result, seconds } = await payLoad(base, tokens, { connections: CONNECTIONS, amount: REQUESTS });
  const ok = result['2xx'];
  return { name, ok, errors: result.non2xx + result.errors + result.timeouts, perSecond: ok / seconds, p50: result.latency.p50, p99: result.latency.p99 };
}

function percentile(sorted: number[], p: number): number {
  return sorted.length ? sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)] : NaN;
}

/** REQUESTS calls of LedgerService.post, CONNECTIONS at a time, wallet chosen round-robin. */
async function rawScenario(name: string, ledger: LedgerService, walletIds: string[]): Promise<Row> {
  const latencies: number[] = [];
  let errors = 0;
  let next = 0;
  const started = performance.now();
  const loop = async () => {
    while (next < REQUESTS) {
      const walletId = walletIds[next++ % walletIds.length];
      const paymentId = newId();
      const t0 = performance.now();
      try {
        await ledger.post({ opId: `PAYMENT:${paymentId}`, walletId, entryType: 'PAYMENT', direction: 'DEBIT', amount: 1, refId: paymentId, remarks: 'bench raw' });
        latencies.push(performance.now() - t0);
      } catch {
        errors++;
      }
    }
  };
  await Promise.all(Array.from({ length: CONNECTIONS }, loop));
  const seconds = (performance.now() - started) / 1000;
  latencies.sort((a, b) => a - b);
  return { name, ok: latencies.length, errors, perSecond: latencies.length / seconds, p50: percentile(latencies, 50), p99: percentile(latencies, 99) };
}

async function main(): Promise<void> {
  const { MONGODB_URI, REDIS_URL } = servers();
  process.env.MONGODB_URI = MONGODB_URI;
  process.env.REDIS_URL = REDIS_URL;
  const dbName = testDatabaseName('benchpay');
  await migrateDatabase(MONGODB_URI, dbName);
  const port = await freePort();
  const base = `http://127.0.0.1:${port}`;
  const env = testEnvironment(dbName, { APP_ROLE: 'api', HOST: '127.0.0.1', PORT: String(port), LOG_LEVEL: 'warn' });
  const client = await MongoClient.connect(MONGODB_URI);
  const db = client.db(dbName);
  let api: ChildProcess | undefined;
  let failed = false;
  try {
    out(`bench:pay on ${MONGODB_URI} (database ${dbName}), ${REQUESTS} payments per scenario, ${CONNECTIONS} at a time, load average ${(await import('node:os')).loadavg()[0].toFixed(1)}`);
    api = await startApi(env, base);
    const users = [];
    for (let i = 0; i < WALLETS + 1 + WALLETS + 1; i++) users.push(await fundedUser(base, i));
    const httpUsers = users.slice(0, WALLETS);
    const hotHttp = users[WALLETS];
    const rawWallets = users.slice(WALLETS + 1, 2 * WALLETS + 1).map((u) => u.userId);
    const hotRaw = users[2 * WALLETS + 1].userId;

    const rows: Row[] = [];
    rows.push(await httpScenario(`HTTP POST /pay, ${WALLETS} wallets`, base, httpUsers.map((u) => u.token)));
    rows.push(await httpScenario('HTTP POST /pay, 1 hot wallet', base, [hotHttp.token]));
    api.kill('SIGTERM');
    await new Promise((r) => api!.once('exit', r));
    api = undefined;

    const ctx = await NestFactory.createApplicationContext(AppModule.forRoot(AppConfig.fromEnv(env)), { logger: ['error'] });
    try {
      const ledger = ctx.get(LedgerService);
      rows.push(await rawScenario(`ledger step, ${WALLETS} wallets`, ledger, rawWallets));
      rows.push(await rawScenario('ledger step, 1 hot wallet', ledger, [hotRaw]));
    } finally {
      await ctx.close();
    }

    out();
    out(`${'scenario'.padEnd(34)} ${'ok'.padStart(7)} ${'errors'.padStart(7)} ${'per s'.padStart(8)} ${'p50 ms'.padStart(8)} ${'p99 ms'.padStart(8)}`);
    for (const r of rows) {
      out(`${r.name.padEnd(34)} ${String(r.ok).padStart(7)} ${String(r.errors).padStart(7)} ${r.perSecond.toFixed(1).padStart(8)} ${r.p50.toFixed(1).padStart(8)} ${r.p99.toFixed(1).padStart(8)}`);
    }
    out();
    out(`API/raw throughput, distinct wallets: ${(rows[0].perSecond / rows[2].perSecond).toFixed(2)}; hot wallet: ${(rows[1].perSecond / rows[3].perSecond).toFixed(2)}`);
    out(`API/raw p50 latency, distinct wallets: ${(rows[0].p50 / rows[2].p50).toFixed(2)}; hot wallet: ${(rows[1].p50 / rows[3].p50).toFixed(2)}`);

    // Every success moved exactly one unit: what the wallets lost equals the payment entries written.
    const payments = await db.collection('ledger_entries').countDocuments({ entry_type: 'PAYMENT' });
    const succeeded = rows.reduce((sum, r) => sum + r.ok, 0);
    out(`payment entries written: ${payments}; successful calls: ${succeeded}`);
    if (payments !== succeeded) {
      failed = true;
      out('MISMATCH: the number of payment entries differs from the number of successful calls');
    }
    const report = await verifyLedger(db);
    out(`ledger verifier: ${report.wallets} wallets, ${report.entries} entries, total balance ${report.totalBalance}, ${report.problems.length} problems`);
    if (report.problems.length > 0) {
      failed = true;
      out(`LEDGER VERIFICATION FAILED: ${JSON.stringify(report.problems.slice(0, 10))}`);
    }
  } finally {
    if (api) api.kill('SIGKILL');
    if (process.env.BENCH_KEEP !== '1') await db.dropDatabase().catch(() => undefined);
    await client.close();
  }
  process.exit(failed ? 1 : 0);
}

main().catch((err) => {
  process.stderr.write(`bench:pay failed: ${err instanceof Error ? err.stack : String(err)}\n`);
  process.exit(1);
});
