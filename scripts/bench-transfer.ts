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
 *   - applied/s: transfers settled SUCCESS per second, from the first debit to the last credit (the
 *     ledger entries' `created_at`, stamped by the service; a transfer is settled once its debit
 *     entry's status is no longer PENDING);
 *   - end-to-end latency accept → SUCCESS per transfer (its credit's created_at − its debit's),
 *     p50/p99/max, and the largest backlog of PENDING transfers seen (sampled every second);
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
import { verifyLedger } from '../src/modules/reconciliation';
import { commandLine, databaseBackend, ensureServices, PRODUCTION_QUEUE_ENV, runTransfers, TransferLoad } from '../test/fault/support/bench';
import { compiledApp } from '../test/fault/support/build';
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

interface Row extends Omit<TransferLoad, 'senders' | 'toppedUp'> {
  scenario: string;
  workers: number;
  shape: string;
  load: string;
  ledger: string;
}

const out = (line = '') => process.stdout.write(`${line}\n`);
const AMOUNT = 1000;
let backend = 'unknown database';

function parseOptions(argv: string[]): Options {
  const { value, int } = commandLine(argv);
  const scenarios = value('scenarios', 'one-worker,two-workers,hot-receiver').split(',').map((s) => s.trim()) as ScenarioName[];
  for (const s of scenarios) if (!['one-worker', 'two-workers', 'hot-receiver'].includes(s)) throw new Error(`unknown scenario ${s}`);
  return {
    transfers: int('transfers', 1000, 1, 20_000),
    senders: int('senders', 20, 2, 500),
    concurrency: int('concurrency', 16, 1, 256),
    hotWorkers: int('hot-workers', 2, 1, 8),
    settleSeconds: int('settle-seconds', 240, 10, 3600),
    scenarios,
    eventStreams: int('event-streams', 0, 0, 50),
  };
}

async function scenario(name: ScenarioName, o: Options): Promise<Row> {
  const workers = name === 'one-worker' ? 1 : name === 'two-workers' ? 2 : o.hotWorkers;
  const cluster = await ServiceCluster.create('benchxfer', PRODUCTION_QUEUE_ENV);
  try {
    backend = await databaseBackend(cluster.db);
    const api = await cluster.startApi('api');
    await Promise.all(Array.from({ length: workers }, (_, i) => cluster.startWorker(`worker-${i + 1}`)));
    const loadStart = loadavg()[0].toFixed(1);
    const run = await runTransfers(cluster.db, api.baseUrl!, { ...o, hotReceiver: name === 'hot-receiver' }, AMOUNT);

    const report = await verifyLedger(cluster.db);
    if (report.totalBalance !== run.toppedUp) report.problems.push(`total balance ${report.totalBalance} != topped up ${run.toppedUp}`);
    if (report.inFlight !== 0) report.problems.push(`${report.inFlight} still in flight`);
    if (report.problems.length) {
      out(`verifyLedger found ${report.problems.length} problem(s) in ${cluster.dbName}:`);
      for (const p of report.problems.slice(0, 20)) out(`  - ${p}`);
    }
    const { senders: _senders, toppedUp: _toppedUp, ...measured } = run;
    const row: Row = {
      ...measured,
      scenario: name,
      workers,
      shape: name === 'hot-receiver' ? `${o.senders} → 1` : `${o.senders} ↔ ${o.senders}`,
      load: `${loadStart} → ${loadavg()[0].toFixed(1)}`,
      ledger: report.problems.length ? `${report.problems.length} problem(s)` : `ok (${report.entries} entries)`,
    };
    out(
      `  ${name}: accepted ${row.acceptedPerSecond.toFixed(1)}/s, applied ${row.appliedPerSecond.toFixed(1)}/s, ` +
        `e2e p50 ${row.e2eP50} ms p99 ${row.e2eP99} ms, backlog ≤ ${row.maxBacklog}, ledger ${row.ledger}`,
    );
    return row;
  } finally {
    await cluster.destroy();
  }
}

async function main(): Promise<number> {
  const o = parseOptions(process.argv.slice(2));
  const started = Date.now();
  const stopServices = ensureServices('bench-transfer', out);
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
