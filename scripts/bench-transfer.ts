/*
 * Transfer throughput and latency with real processes.
 *
 *   npm run bench:transfer [-- --transfers 1000 --senders 20 --concurrency 16 --scenarios one-worker,two-workers,hot-receiver --event-streams 0]
 *
 * Uses MONGODB_URI / REDIS_URL when both are set; otherwise starts local servers with
 * `scripts/services.sh` in `.local/bench-transfer` and stops them at the end. Compiles the service
 * once (`tsc -p tsconfig.build.json`, cached in `.local/build/`), then for each scenario, on a fresh
 * migrated database and Redis prefix, starts one API process (APP_ROLE=api) and the scenario's worker
 * processes (`node worker.js`) on 127.0.0.1 with the production queue settings, registers and tops up
 * the senders through the HTTP API, and sends --transfers POST /transfer with --concurrency requests
 * in flight while the workers run. It measures:
 *   - accepted/s: transfers answered 202 per second of sending, and the POST latency p50/p99;
 *   - applied/s: transfers settled SUCCESS per second, from the first accepted to the last settled
 *     (`transfers.created_at` to `transfers.completed_at`, both stamped by the service);
 *   - end-to-end latency accept → SUCCESS per transfer (completed_at − created_at), p50/p99/max,
 *     and the largest backlog of PENDING transfers seen (sampled every 500 ms);
 *   - database reads and writes per transfer (API and workers together), from the server's counters;
 *   - with --event-streams N (N > 0): event latency. N users (senders, who also receive; the receiver in
 *     hot-receiver) keep a `GET /events` stream open on the API process during the run; for every event
 *     of a change made during the run, the time from the change (the ledger entry's `created_at`, or the
 *     status event's for `transfer.succeeded`, which is its credit's) to its arrival at the client, p50/p99/max,
 *     for the events of the API's own writes (`transfer.pending`) and those of the workers (`transfer.received`,
 *     `transfer.succeeded`: other processes, through the Redis doorbell). Same clock: all on one machine.
 * Scenarios: `one-worker` and `two-workers` (transfers between random pairs of senders) and
 * `hot-receiver` (every sender pays one receiver; --hot-workers workers, default 2). Each scenario
 * ends with verifyLedger on its database; any problem, or money not conserved, exits non-zero.
 * Bounded: at most --transfers transfers per scenario (default 1000, at most 20,000) and
 * --settle-seconds (default 240) to settle them.
 */
import { cpus, loadavg } from 'node:os';
import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import type { Db } from 'mongodb';
import { verifyLedger } from '../src/modules/wallet/ledger/ledger-verifier';
import { countStatus } from '../test/fault/support/checks';
import { Account, createAccount, mapLimit, transfer } from '../test/fault/support/client';
import { compiledApp, REPO_ROOT } from '../test/fault/support/build';
import { openSse, SseClient } from '../test/support/sse';
import { ServiceCluster } from '../test/fault/support/cluster';

type ScenarioName = 'one-worker' | 'two-workers' | 'hot-receiver';

interface Options {
  transfers: number;
  senders: number;
  concurrency: number;
  hotWorkers: number;
  settleSeconds: number;
  scenarios: ScenarioName[];
  eventStreams: number;
}

interface EventLatency {
  kind: string;
  events: number;
  p50: number;
  p99: number;
  max: number;
}

interface Row {
  scenario: string;
  workers: number;
  shape: string;
  load: string;
  transfers: number;
  acceptedPerSecond: number;
  postP50: number;
  postP99: number;
  appliedPerSecond: number;
  e2eP50: number;
  e2eP99: number;
  e2eMax: number;
  maxBacklog: number;
  dbOpsPerTransfer: number | null;
  failed: number;
  ledger: string;
  eventLatency: EventLatency[];
}

const out = (line = '') => process.stdout.write(`${line}\n`);
const AMOUNT = 1000;
let backend = 'unknown database';

function parseOptions(argv: string[]): Options {
  const value = (name: string, fallback: string) => {
    const i = argv.indexOf(`--${name}`);
    if (i >= 0 && argv[i + 1] !== undefined) return argv[i + 1];
    const eq = argv.find((a) => a.startsWith(`--${name}=`));
    return eq ? eq.slice(name.length + 3) : fallback;
  };
  const int = (name: string, fallback: number, min: number, max: number) => {
    const n = Number(value(name, String(fallback)));
    if (!Number.isInteger(n) || n < min || n > max) throw new Error(`--${name} must be an integer from ${min} to ${max}`);
    return n;
  };
  const scenarios = value('scenarios', 'one-worker,two-workers,hot-receiver').split(',').map((s) => s.trim()) as ScenarioName[];
  for (const s of scenarios) if (!['one-worker', 'two-workers', 'hot-receiver'].includes(s)) throw new Error(`unknown scenario ${s}`);
  return {
    transfers: int('transfers', 1000, 1, 20_000),
    senders: int('senders', 20, 2, 500),
    concurrency: int('concurrency', 16, 1, 256),
    hotWorkers: int('hot-workers', 2, 1, 8),
    settleSeconds: int('settle-seconds', 240, 10, 3600),
    scenarios,
    eventStreams: int('event-streams', 0, 0, 5),
  };
}

/**
 * Reads and writes the database server has answered so far (find, getMore, insert, update, delete,
 * findAndModify), server-wide; aggregate and count (this script's own polling) are left out.
 */
async function dbOperations(db: Db): Promise<number | null> {
  const status = await db.admin().command({ serverStatus: 1 });
  const commands = status.metrics?.commands as Record<string, { total: unknown }> | undefined;
  if (commands) return ['find', 'getMore', 'insert', 'update', 'delete', 'findAndModify'].reduce((n, k) => n + Number(commands[k]?.total ?? 0), 0);
  const o = status.opcounters as Record<string, number> | undefined;
  return o ? o.query + o.getmore + o.insert + o.update + o.delete : null;
}

function percentile(sorted: number[], p: number): number {
  if (!sorted.length) return NaN;
  return sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1))];
}

/** Starts the local servers unless MONGODB_URI and REDIS_URL are set; returns how to stop them. */
function ensureServices(): () => void {
  if (process.env.MONGODB_URI && process.env.REDIS_URL) {
    out(`using MONGODB_URI=${process.env.MONGODB_URI} REDIS_URL=${process.env.REDIS_URL}`);
    return () => undefined;
  }
  const state = join(REPO_ROOT, '.local', 'bench-transfer');
  const started = spawnSync('bash', [join(REPO_ROOT, 'scripts', 'services.sh'), 'start', '--state', state], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'inherit'] });
  if (started.status !== 0) throw new Error('scripts/services.sh start failed (see above)');
  for (const m of started.stdout.matchAll(/^export (\w+)=(.*)$/gm)) process.env[m[1]] = m[2];
  if (!process.env.MONGODB_URI || !process.env.REDIS_URL) throw new Error(`scripts/services.sh printed no MONGODB_URI/REDIS_URL:\n${started.stdout}`);
  return () => {
    spawnSync('bash', [join(REPO_ROOT, 'scripts', 'services.sh'), 'stop', '--state', state], { stdio: ['ignore', 'ignore', 'inherit'] });
  };
}

async function scenario(name: ScenarioName, o: Options): Promise<Row> {
  const workers = name === 'one-worker' ? 1 : name === 'two-workers' ? 2 : o.hotWorkers;
  // Production queue settings (.env.example), not the fast ones of the tests.
  const cluster = await ServiceCluster.create('benchxfer', {
    LOG_LEVEL: 'warn',
    ACCESS_TOKEN_TTL_SECONDS: '3600',
    TRANSFER_BACKOFF_MS: '500',
    SWEEP_INTERVAL_MS: '15000',
    SWEEP_MIN_AGE_MS: '30000',
  });
  try {
    const info = await cluster.db.admin().command({ buildInfo: 1 });
    backend = info.ferretdbVersion ? `FerretDB ${info.ferretdbVersion}` : `MongoDB ${info.version}`;
    const api = await cluster.startApi('api');
    await Promise.all(Array.from({ length: workers }, (_, i) => cluster.startWorker(`worker-${i + 1}`)));
    const base = api.baseUrl!;
    const perSender = Math.ceil(o.transfers / o.senders);
    const topUp = perSender * AMOUNT;
    const senders: Account[] = await mapLimit(Array.from({ length: o.senders }), 4, () => createAccount(base, topUp, 'Sender'));
    const hot = name === 'hot-receiver' ? await createAccount(base, 0, 'Receiver') : null;
    const plan = Array.from({ length: o.transfers }, (_, i) => {
      const from = i % o.senders;
      // Everyone else in turn (offset 1 … senders − 1), or the one hot receiver.
      const to = hot ?? senders[(from + 1 + (Math.floor(i / o.senders) % (o.senders - 1))) % o.senders];
      return { from: senders[from], to };
    });

    // Event streams of a few users, opened (and their history drained) before the run.
    const watched = (hot ? [hot, ...senders] : senders).slice(0, o.eventStreams);
    const streams: SseClient[] = await Promise.all(watched.map((u) => openSse(base, '/events', { Authorization: `Bearer ${u.token}` })));
    await new Promise((r) => setTimeout(r, 1500));
    const runStart = new Date();

    let maxBacklog = 0;
    let sampling = true;
    const sampler = (async () => {
      while (sampling) {
        maxBacklog = Math.max(maxBacklog, await countStatus(cluster.db, 'PENDING'));
        await new Promise((r) => setTimeout(r, 500));
      }
    })();

    const loadStart = loadavg()[0].toFixed(1);
    const opsStart = await dbOperations(cluster.db);
    const postMs: number[] = [];
    const sendStart = performance.now();
    const replies = await mapLimit(plan, o.concurrency, async (t) => {
      const t0 = performance.now();
      const reply = await transfer(base, t.from, t.to, AMOUNT, 'bench');
      postMs.push(performance.now() - t0);
      return reply;
    });
    const sendSeconds = (performance.now() - sendStart) / 1000;
    const refused = replies.filter((r) => r.status !== 202);
    if (refused.length) throw new Error(`${refused.length} transfers refused, first: ${refused[0].status} ${JSON.stringify(refused[0].body)}`);

    const deadline = Date.now() + o.settleSeconds * 1000;
    for (;;) {
      const pending = await countStatus(cluster.db, 'PENDING');
      if (pending === 0) break;
      if (Date.now() > deadline) throw new Error(`${pending} transfers still PENDING after ${o.settleSeconds} s`);
      await new Promise((r) => setTimeout(r, 250));
    }
    sampling = false;
    await sampler;
    const opsEnd = await dbOperations(cluster.db);
    const eventLatency = streams.length ? await measureEventLatency(cluster.db, streams, runStart) : [];

    const docs = await cluster.db
      .collection<{ status: string; created_at: Date; completed_at: Date | null }>('transfers')
      .find({}, { projection: { status: 1, created_at: 1, completed_at: 1 } })
      .toArray();
    const failed = docs.filter((d) => d.status !== 'SUCCESS').length;
    const e2e = docs.filter((d) => d.completed_at).map((d) => d.completed_at!.getTime() - d.created_at.getTime()).sort((a, b) => a - b);
    const first = Math.min(...docs.map((d) => d.created_at.getTime()));
    const last = Math.max(...docs.map((d) => d.completed_at?.getTime() ?? 0));
    postMs.sort((a, b) => a - b);

    const report = await verifyLedger(cluster.db);
    const expected = topUp * o.senders;
    if (report.totalBalance !== expected) report.problems.push(`total balance ${report.totalBalance} != topped up ${expected}`);
    if (report.inFlight !== 0) report.problems.push(`${report.inFlight} still in flight`);
    if (report.problems.length) {
      out(`verifyLedger found ${report.problems.length} problem(s) in ${cluster.dbName}:`);
      for (const p of report.problems.slice(0, 20)) out(`  - ${p}`);
    }
    const row: Row = {
      scenario: name,
      workers,
      shape: hot ? `${o.senders} → 1` : `${o.senders} ↔ ${o.senders}`,
      load: `${loadStart} → ${loadavg()[0].toFixed(1)}`,
      transfers: o.transfers,
      acceptedPerSecond: o.transfers / sendSeconds,
      postP50: percentile(postMs, 50),
      postP99: percentile(postMs, 99),
      appliedPerSecond: (docs.length - failed) / ((last - first) / 1000),
      e2eP50: percentile(e2e, 50),
      e2eP99: percentile(e2e, 99),
      e2eMax: e2e[e2e.length - 1],
      maxBacklog,
      dbOpsPerTransfer: opsStart === null || opsEnd === null ? null : (opsEnd - opsStart) / o.transfers,
      failed,
      ledger: report.problems.length ? `${report.problems.length} problem(s)` : `ok (${report.entries} entries)`,
      eventLatency,
    };
    out(
      `  ${name}: accepted ${row.acceptedPerSecond.toFixed(1)}/s, applied ${row.appliedPerSecond.toFixed(1)}/s, ` +
        `e2e p50 ${row.e2eP50} ms p99 ${row.e2eP99} ms, backlog ≤ ${maxBacklog}, ledger ${row.ledger}`,
    );
    return row;
  } finally {
    await cluster.destroy();
  }
}

/**
 * Change → client latency of the events the streams received for changes made since `since`: arrival
 * minus the `created_at` of the ledger entry (or of the status event) the event comes from.
 */
async function measureEventLatency(db: Db, streams: SseClient[], since: Date): Promise<EventLatency[]> {
  await new Promise((r) => setTimeout(r, 3000)); // the last events of the run on their way
  for (const s of streams) s.close();
  const received = streams.flatMap((s) => s.messages.map((m) => ({ at: m.receivedAt!, ...(JSON.parse(m.data) as { event_id: string; type: string }) })));
  const entryIds = received.filter((e) => e.type !== 'transfer.succeeded').map((e) => e.event_id);
  const keys = received.filter((e) => e.type === 'transfer.succeeded').map((e) => e.event_id);
  const changedAt = new Map<string, number>();
  for (const d of await db.collection<{ _id: string; created_at: Date }>('ledger_entries').find({ _id: { $in: entryIds } }, { projection: { created_at: 1 } }).toArray()) changedAt.set(d._id, d.created_at.getTime());
  for (const d of await db.collection<{ key: string; created_at: Date }>('status_events').find({ key: { $in: keys } }, { projection: { key: 1, created_at: 1 } }).toArray()) changedAt.set(d.key, d.created_at.getTime());
  const groups = new Map<string, number[]>();
  for (const e of received) {
    const at = changedAt.get(e.event_id);
    if (at === undefined || at < since.getTime()) continue;
    const kind = e.type === 'transfer.pending' ? 'API writes (transfer.pending)' : `worker writes (${e.type})`;
    for (const k of [kind, 'all']) {
      const list = groups.get(k) ?? [];
      list.push(e.at - at);
      groups.set(k, list);
    }
  }
  return [...groups.entries()].map(([kind, ms]) => {
    ms.sort((a, b) => a - b);
    return { kind, events: ms.length, p50: percentile(ms, 50), p99: percentile(ms, 99), max: ms[ms.length - 1] };
  });
}

async function main(): Promise<number> {
  const o = parseOptions(process.argv.slice(2));
  const started = Date.now();
  const stopServices = ensureServices();
  try {
    const app = compiledApp(out);
    out(`compiled service: ${app.dir}${app.buildMs ? ` (${(app.buildMs / 1000).toFixed(1)} s)` : ' (reused)'}`);
    const rows: Row[] = [];
    for (const name of o.scenarios) {
      out(`scenario ${name}: ${o.transfers} transfers, ${o.senders} senders, ${o.concurrency} in flight`);
      rows.push(await scenario(name, o));
    }
    out();
    out(`## Transfer benchmark: ${o.transfers} transfers of ${AMOUNT} per scenario, ${o.concurrency} POST /transfer in flight, 1 API process, ${backend}, ${cpus().length} CPUs, Node ${process.version}`);
    out();
    out('| scenario | workers | senders → receivers | transfers | accepted/s | POST p50 / p99 ms | applied/s | accept → SUCCESS p50 / p99 / max ms | max backlog | DB ops / transfer | failed | verifyLedger | load avg |');
    out('|---|---:|---|---:|---:|---:|---:|---:|---:|---:|---:|---|---|');
    for (const r of rows) {
      out(
        `| ${r.scenario} | ${r.workers} | ${r.shape} | ${r.transfers} | ${r.acceptedPerSecond.toFixed(1)} | ${r.postP50.toFixed(0)} / ${r.postP99.toFixed(0)} | ` +
          `${r.appliedPerSecond.toFixed(1)} | ${r.e2eP50} / ${r.e2eP99} / ${r.e2eMax} | ${r.maxBacklog} | ${r.dbOpsPerTransfer?.toFixed(1) ?? 'n/a'} | ${r.failed} | ${r.ledger} | ${r.load} |`,
      );
    }
    if (rows.some((r) => r.eventLatency.length)) {
      out();
      out(`### Event latency, change → client (${o.eventStreams} open GET /events streams on the API process)`);
      out();
      out('| scenario | events | count | p50 ms | p99 ms | max ms |');
      out('|---|---|---:|---:|---:|---:|');
      for (const r of rows) for (const l of r.eventLatency) out(`| ${r.scenario} | ${l.kind} | ${l.events} | ${l.p50} | ${l.p99} | ${l.max} |`);
    }
    out();
    out(`total run ${((Date.now() - started) / 1000).toFixed(0)} s`);
    return rows.every((r) => r.ledger.startsWith('ok') && r.failed === 0) ? 0 : 1;
  } finally {
    stopServices();
  }
}

main().then(
  (code) => process.exit(code),
  (err) => {
    process.stderr.write(`bench-transfer failed: ${(err as Error).stack ?? err}\n`);
    process.exit(1);
  },
);
