/*
 * A/B of the report query handlers of two source trees, in one process, on one database, with their
 * calls interleaved (so that a noisy machine slows both alike):
 *
 *   MONGODB_URI=… REDIS_URL=… AB_BASE=/path/to/other/worktree \
 *     npx ts-node --transpile-only scripts/bench-report-ab.ts
 *
 * Boots the AppModule of AB_BASE and of this tree (APP_ROLE=api, nothing listening) on a fresh migrated
 * `dompet_test_abreports_*` database holding one wallet of 100,000 entries (a top-up then two payments,
 * every 5 minutes, with the stored head hint), then runs each scenario through each app's QueryBus: 20
 * warm-up calls each, then 300 each, alternating which goes first. Prints p50 / p99 ms per tree and the
 * ratio this / base. The HTTP layer is left out (the same code in both trees). Drops the database.
 */
import 'reflect-metadata';
import { NestFactory } from '@nestjs/core';
import { MongoClient } from 'mongodb';
import { buildChain } from '../test/unit/support/in-memory-ledger.reader';
import { migrateDatabase, testDatabaseName, testEnvironment } from '../test/support/test-app';

if (!process.env.AB_BASE) throw new Error('AB_BASE must name the other source tree (a worktree with node_modules)');
const trees = { base: process.env.AB_BASE, new: `${__dirname}/..` } as const;
async function boot(root: string, env: NodeJS.ProcessEnv) {
  require('prom-client').register.clear(); // each tree registers the default metrics in the one registry when its modules load
  const { AppModule } = require(`${root}/src/app.module`);
  const { AppConfig } = require(`${root}/src/config/app-config`);
  const { QueryBus } = require('@nestjs/cqrs');
  const app = await NestFactory.create(AppModule.forRoot(AppConfig.fromEnv({ ...env, APP_ROLE: 'api' })), { logger: false });
  await app.init();
  const q = (p: string) => require(`${root}/src/modules/reports/${p}`);
  const { ListTransactionsQuery } = q('queries/list-transactions/list-transactions.query');
  const { ListTransactionsRequestDto } = q('queries/list-transactions/list-transactions.request.dto');
  const { GetTransactionsSummaryQuery } = q('queries/get-transactions-summary/get-transactions-summary.query');
  const { ReportSubject } = q('services/report-subject');
  const bus = app.get(QueryBus);
  return {
    app,
    list: (w: string, req: object) => bus.execute(new ListTransactionsQuery(ReportSubject.own(w), Object.assign(new ListTransactionsRequestDto(), req))),
    summary: (w: string, req: object) => bus.execute(new GetTransactionsSummaryQuery(ReportSubject.own(w), req)),
  };
}
const pct = (s: number[], p: number) => [...s].sort((a, b) => a - b)[Math.min(s.length - 1, Math.ceil((p / 100) * s.length) - 1)];
(async () => {
  const dbName = testDatabaseName('abreports');
  const env = testEnvironment(dbName, { LOG_LEVEL: 'silent' });
  await migrateDatabase(env.MONGODB_URI!, dbName);
  const client = await MongoClient.connect(env.MONGODB_URI!);
  const db = client.db(dbName);
  const W = '019a4f2d-1111-7a2b-8c3d-4e5f6a7b8c9d';
  const N = 100_000;
  const chain = buildChain(W, Array.from({ length: N }, (_, i) => ({ type: i % 3 ? ('PAYMENT' as const) : ('TOP_UP' as const), amount: i % 3 ? 10 : 100, at: new Date(Date.now() - (N - i) * 300_000), remarks: 'x' })));
  for (let i = 0; i < N; i += 5000) await db.collection('ledger_entries').insertMany(chain.slice(i, i + 5000) as never[]);
  await db.collection('wallets').insertOne({ _id: W, seq: N, balance: chain[N - 1].balance_after, updated_at: new Date() } as never);
  const base = await boot(trees.base, env);
  require('prom-client').register.clear(); // each app registers the default metrics in the one registry
  const apps = { base, new: await boot(trees.new, env) };
  const scenarios: Array<[string, (s: typeof apps.base) => Promise<unknown>]> = [
    ['first page, limit 100', (s) => s.list(W, { limit: 100 })],
    ['filtered page (PAYMENT, 30 days)', (s) => s.list(W, { limit: 100, type: 'PAYMENT', from: new Date(Date.now() - 60 * 86400_000).toISOString().slice(0, 10), to: new Date(Date.now() - 30 * 86400_000).toISOString().slice(0, 10) })],
    ['summary, 30 days', (s) => s.summary(W, { from: new Date(Date.now() - 60 * 86400_000).toISOString().slice(0, 10), to: new Date(Date.now() - 30 * 86400_000).toISOString().slice(0, 10) })],
    ['summary, whole history', (s) => s.summary(W, {})],
  ];
  console.log('| scenario | base p50 / p99 ms | this p50 / p99 ms | ratio p50 / p99 |');
  console.log('|---|---:|---:|---:|');
  for (const [name, run] of scenarios) {
    const samples: Record<string, number[]> = { base: [], new: [] };
    for (let i = 0; i < 20; i++) { await run(apps.base); await run(apps.new); }
    for (let i = 0; i < 300; i++) {
      for (const side of (i % 2 ? ['base', 'new'] : ['new', 'base']) as Array<'base' | 'new'>) {
        const t = process.hrtime.bigint();
        await run(apps[side]);
        samples[side].push(Number(process.hrtime.bigint() - t) / 1e6);
      }
    }
    const f = (s: number[]) => `${pct(s, 50).toFixed(2)} / ${pct(s, 99).toFixed(2)}`;
    console.log(`| ${name} | ${f(samples.base)} | ${f(samples.new)} | ${(pct(samples.new, 50) / pct(samples.base, 50)).toFixed(2)} / ${(pct(samples.new, 99) / pct(samples.base, 99)).toFixed(2)} |`);
  }
  await apps.base.app.close();
  await apps.new.app.close();
  await db.dropDatabase();
  await client.close();
  process.exit(0);
})();
