/*
 * Side-by-side benchmark of a baseline commit (A) against this working tree (B), alternated.
 *
 *   npm run bench:compare                                  # baseline fcdfc1d, 2 rounds of 10 s
 *   npm run bench:compare -- --baseline <git ref> [--rounds 2] [--seconds 10] [--transfers 400]
 *                            [--connections 50] [--wallets 50] [--settle-seconds 120] [--max-minutes 45]
 *                            [--warmup-seconds 3] [--warmup-transfers 200]
 *   MONGODB_URI=… REDIS_URL=… npm run bench:compare …     # on servers you run
 *   npm run bench:compare -- --settings FERRETDB_PG_GIN=off[,NAME=value…] [--rounds …]
 *
 * --settings compares server settings instead of code: A and B are both this working tree, A on
 * servers started with those variables added to scripts/services.sh's environment (its header lists
 * them) in .local/bench-compare-a, B on the defaults in .local/bench-compare; both states are wiped
 * first, so each starts from an empty cluster, and the ratios are B/A (what the default gains).
 * With --settings, --report-entries N (e.g. 100000) adds the report read side to every round:
 * scripts/bench-report.ts on that build's servers (BENCH_ENTRIES=N, BENCH_ONLY the first page and
 * the `_id` lookup, --seconds each), for its seeding rate (bulk insertMany of N entries) and the
 * first page's p50/p99.
 *
 * Builds:
 *   A: `--baseline` (default fcdfc1d) checked out with `git worktree add --detach` in a temporary folder;
 *      its node_modules is a link to this checkout's when every runtime dependency (and typescript,
 *      @types/*) of its package.json is here at the same version, else `npm ci` runs there; compiled
 *      with its own `tsc -p tsconfig.build.json` (cached in .local/build/ by source hash when the
 *      modules are shared).
 *   B: this working tree as it is (uncommitted changes included), compiled the same way.
 * Servers: scripts/services.sh start --state .local/bench-compare (stopped at the end), unless
 * MONGODB_URI and REDIS_URL are both set. Each build gets its own fresh database and Redis prefix,
 * migrated with its own migrations (A: its migrate-mongo in its worktree), one API process
 * (APP_ROLE=api, 127.0.0.1, a free port) and two worker processes, with the production queue
 * settings of bench:transfer. Then, once per build, the exactness check: a wallet topped up for
 * exactly 50 payments of 10 receives 51 concurrent POST /pay; exactly 50 must succeed and the
 * balance end at 0. Then a warm-up, not measured: POST /pay for --warmup-seconds (0: none) with
 * --connections connections on --wallets new wallets, A then B, then --warmup-transfers transfers (0:
 * none) settled by each build's workers the same way as the measured ones, so that the first measured
 * round does not also measure each process's first seconds (compilation, pools, prepared statements):
 * the /pay warm-up alone leaves the transfer path of the API and the whole of the workers cold.
 * Then --rounds rounds, each running A then B (A, B, A, B …), on new wallets:
 *   1. POST /pay for --seconds with --connections connections (autocannon), requests rotated over
 *      --wallets users' tokens: req/s (2xx per second of the window), p50/p99 latency, non-2xx and
 *      errors; CPU per payment, in ms, of every process serving it (the API and its two workers,
 *      the database server, the PostgreSQL behind FerretDB — its postmaster and every child — and
 *      redis-server): utime+stime (+ reaped children) from /proc/<pid>/stat, read before and after
 *      the window, divided by the 2xx answers; the API's highest VmRSS, read every 200 ms.
 *   2. the same on one hot wallet: req/s, p50/p99.
 *   3. --transfers transfers between 20 senders, 16 in flight, settled by the two workers (the code of
 *      bench:transfer): accepted/s, applied/s, accept → SUCCESS p50/p99, database operations per
 *      transfer (server counters; every client of the server together).
 * After the rounds: each build's own ledger verifier (compiled from its tree) over its database,
 * nothing in flight, and money conserved (balances = top-ups − payments written), and every 2xx
 * payment written (at most the requests cut off at the window's end beside them). Prints a markdown
 * table per scenario (A and B per round), then the median of the per-round ratios B/A beside the
 * goals of issue 13 (met / not met). Exits 1 only on a correctness failure (exactness, verifier,
 * conservation, an answered payment not written), 2 on an error (a build or a process that fails, a
 * transfer refused or unsettled, the --max-minutes bound); never on a performance goal. Every
 * process it started is stopped and the temporary worktree removed at the end, on an error and on
 * Ctrl-C. Everything listens on 127.0.0.1.
 */
import { execFileSync, spawn, spawnSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { existsSync, readdirSync, readFileSync, readlinkSync, symlinkSync } from 'node:fs';
import { cpus, loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Db } from 'mongodb';
import { commandLine, databaseBackend, ensureServices, payLoad, PRODUCTION_QUEUE_ENV, runTransfers, startServices, TransferLoad } from '../test/fault/support/bench';
import { CompiledApp, compiledApp, REPO_ROOT } from '../test/fault/support/build';
import { balanceOf, call, createAccount, mapLimit } from '../test/fault/support/client';
import { ServiceCluster, ServiceProcess } from '../test/fault/support/cluster';

interface Options {
  baseline: string;
  rounds: number;
  seconds: number;
  transfers: number;
  connections: number;
  wallets: number;
  settleSeconds: number;
  maxMinutes: number;
  /** --settings: server environment of A (same code on both sides). */
  settings: Record<string, string> | null;
  reportEntries: number;
  warmupSeconds: number;
  warmupTransfers: number;
}

const out = (line = '') => process.stdout.write(`${line}\n`);
const START_BALANCE = 10_000_000;
const SENDERS = 20;
const TRANSFERS_IN_FLIGHT = 16;
const EXACT_PAYMENTS = 50;
const EXACT_AMOUNT = 10;

function parseOptions(argv: string[]): Options {
  const { value, int } = commandLine(argv);
  return {
    baseline: value('baseline', 'fcdfc1d'),
    rounds: int('rounds', 2, 1, 10),
    seconds: int('seconds', 10, 1, 120),
    transfers: int('transfers', 400, SENDERS, 5000),
    connections: int('connections', 50, 1, 500),
    wallets: int('wallets', 50, 1, 500),
    settleSeconds: int('settle-seconds', 120, 10, 600),
    maxMinutes: int('max-minutes', 45, 1, 240),
    settings: parseSettings(value('settings', '')),
    reportEntries: int('report-entries', 0, 0, 1_000_000),
    warmupSeconds: int('warmup-seconds', 3, 0, 60),
    warmupTransfers: int('warmup-transfers', 200, 0, 5000),
  };
}

function parseSettings(text: string): Record<string, string> | null {
  if (!text) return null;
  const pairs = text.split(',').map((p) => /^([A-Z][A-Z0-9_]*)=(.*)$/.exec(p.trim()));
  if (pairs.some((m) => !m)) throw new Error('--settings takes NAME=value[,NAME=value…]');
  return Object.fromEntries(pairs.map((m) => [m![1], m![2]]));
}

// ---------------------------------------------------------------------------------------------
// Clean-up: everything started registers how to undo it; run once, newest first, at the end, on an
// error, on Ctrl-C / SIGTERM and on the --max-minutes bound.

const cleanups: { what: string; run: () => unknown }[] = [];
let cleaning: Promise<void> | undefined;
/** Set once a signal or the time bound ends the run: the main flow's own ending then exits no more. */
let interrupted = false;

function cleanUp(): Promise<void> {
  cleaning ??= (async () => {
    for (const c of cleanups.splice(0).reverse()) {
      try {
        await c.run();
      } catch (err) {
        process.stderr.write(`clean-up (${c.what}) failed: ${(err as Error).message}\n`);
      }
    }
  })();
  return cleaning;
}

function exitAfterCleanUp(code: number, why: string): void {
  if (interrupted) return;
  interrupted = true;
  process.stderr.write(`\n${why}: stopping every process and removing the baseline worktree\n`);
  void cleanUp().finally(() => process.exit(code));
}

// ---------------------------------------------------------------------------------------------
// The baseline checkout.

const git = (...args: string[]) => execFileSync('git', args, { cwd: REPO_ROOT, encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] }).trim();

/** Packages the compiled service needs: runtime dependencies, TypeScript and the type packages. */
function buildDependencies(pkg: { dependencies?: Record<string, string>; devDependencies?: Record<string, string> }): Record<string, string> {
  const dev = Object.entries(pkg.devDependencies ?? {}).filter(([name]) => name === 'typescript' || name.startsWith('@types/'));
  return { ...pkg.dependencies, ...Object.fromEntries(dev) };
}

/** Checks out `ref` in a temporary worktree with its modules; returns its folder and compiled app. */
function prepareBaseline(ref: string): { root: string; commit: string; app: CompiledApp; modules: string } {
  const commit = git('rev-parse', '--verify', `${ref}^{commit}`);
  const root = join(tmpdir(), `dompet-bench-baseline-${commit.slice(0, 7)}-${randomBytes(3).toString('hex')}`);
  out(`baseline ${ref} = ${commit.slice(0, 12)}: git worktree add --detach ${root}`);
  git('worktree', 'add', '--detach', root, commit);
  cleanups.push({
    what: 'remove the baseline worktree',
    run: () => {
      spawnSync('git', ['worktree', 'remove', '--force', root], { cwd: REPO_ROOT, stdio: 'ignore' });
      spawnSync('git', ['worktree', 'prune'], { cwd: REPO_ROOT, stdio: 'ignore' });
    },
  });

  const here = buildDependencies(JSON.parse(readFileSync(join(REPO_ROOT, 'package.json'), 'utf8')));
  const there = buildDependencies(JSON.parse(readFileSync(join(root, 'package.json'), 'utf8')));
  const missing = Object.entries(there).filter(([name, version]) => here[name] !== version);
  let modules: string;
  let buildRoot: string | undefined;
  if (!missing.length && existsSync(join(REPO_ROOT, 'node_modules'))) {
    symlinkSync(join(REPO_ROOT, 'node_modules'), join(root, 'node_modules'), 'dir');
    modules = 'linked to this checkout (its runtime and build dependencies are a subset)';
    // Same modules: the build can live (and be reused) beside this checkout's.
    buildRoot = join(REPO_ROOT, '.local', 'build');
  } else {
    out(`baseline dependencies differ (${missing.map(([n, v]) => `${n}@${v}`).join(', ')}): npm ci in the worktree`);
    const ci = spawnSync('npm', ['ci', '--no-audit', '--no-fund'], { cwd: root, stdio: ['ignore', 'inherit', 'inherit'], timeout: 15 * 60_000 });
    if (ci.status !== 0) throw new Error(`npm ci in ${root} failed (${ci.status ?? ci.signal})`);
    modules = 'its own (npm ci)';
  }
  const app = compiledApp(out, root, buildRoot);
  return { root, commit, app, modules };
}

// ---------------------------------------------------------------------------------------------
// CPU and memory of processes, from /proc.

const CLOCK_TICKS = Number(spawnSync('getconf', ['CLK_TCK'], { encoding: 'utf8' }).stdout?.trim()) || 100;

/** pid → parent and CPU ticks (utime + stime + cutime + cstime: itself and its reaped children). */
function processTable(): Map<number, { ppid: number; ticks: number }> {
  const table = new Map<number, { ppid: number; ticks: number }>();
  for (const name of readdirSync('/proc')) {
    if (!/^\d+$/.test(name)) continue;
    try {
      const stat = readFileSync(`/proc/${name}/stat`, 'utf8');
      const f = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
      table.set(Number(name), { ppid: Number(f[1]), ticks: Number(f[11]) + Number(f[12]) + Number(f[13]) + Number(f[14]) });
    } catch {
      // gone meanwhile
    }
  }
  return table;
}

/** CPU ms so far of each group: the sum over its roots and all their live descendants. */
function cpuMs(groups: Record<string, number[]>): Record<string, number> {
  const table = processTable();
  const children = new Map<number, number[]>();
  for (const [pid, p] of table) children.set(p.ppid, [...(children.get(p.ppid) ?? []), pid]);
  const tree = (pid: number): number => (table.get(pid)?.ticks ?? 0) + (children.get(pid) ?? []).reduce((n, c) => n + tree(c), 0);
  return Object.fromEntries(Object.entries(groups).map(([g, roots]) => [g, (roots.reduce((n, r) => n + tree(r), 0) * 1000) / CLOCK_TICKS]));
}

/** TCP sockets of this host: inode → local port, remote port, state (/proc/net/tcp and tcp6). */
function tcpSockets(): Map<string, { local: number; remote: number; state: string }> {
  const sockets = new Map<string, { local: number; remote: number; state: string }>();
  for (const file of ['/proc/net/tcp', '/proc/net/tcp6']) {
    let text = '';
    try {
      text = readFileSync(file, 'utf8');
    } catch {
      continue;
    }
    for (const line of text.split('\n').slice(1)) {
      const f = line.trim().split(/\s+/);
      if (f.length < 10) continue;
      sockets.set(f[9], { local: parseInt(f[1].split(':')[1], 16), remote: parseInt(f[2].split(':')[1], 16), state: f[3] });
    }
  }
  return sockets;
}

function socketInodes(pid: number): string[] {
  const inodes: string[] = [];
  try {
    for (const fd of readdirSync(`/proc/${pid}/fd`)) {
      const m = /^socket:\[(\d+)\]$/.exec(readlinkSync(`/proc/${pid}/fd/${fd}`, { encoding: 'utf8' }) as string) ?? null;
      if (m) inodes.push(m[1]);
    }
  } catch {
    // gone, or not ours to read
  }
  return inodes;
}

/** The process listening on a TCP port of this host, if it can be seen. */
function listenerOf(port: number, sockets = tcpSockets()): number | undefined {
  const listening = new Set([...sockets].filter(([, s]) => s.state === '0A' && s.local === port).map(([inode]) => inode));
  if (!listening.size) return undefined;
  for (const name of readdirSync('/proc')) {
    if (/^\d+$/.test(name) && socketInodes(Number(name)).some((i) => listening.has(i))) return Number(name);
  }
  return undefined;
}

/** The servers behind the database and Redis URLs: database server, the servers it connects to (PostgreSQL), Redis. */
function serverProcesses(env: { MONGODB_URI: string; REDIS_URL: string }): { database: number[]; backend: number[]; redis: number[]; seen: string } {
  const sockets = tcpSockets();
  const port = (uri: string, fallback: number) => {
    try {
      return Number(new URL(uri).port || fallback);
    } catch {
      return NaN; // several hosts or a scheme URL cannot parse: not on this host's table
    }
  };
  const db = listenerOf(port(env.MONGODB_URI, 27017), sockets);
  const redis = listenerOf(port(env.REDIS_URL, 6379), sockets);
  const backend = new Set<number>();
  if (db) {
    // Where the database server's own connections go (FerretDB → PostgreSQL): their listeners.
    for (const inode of socketInodes(db)) {
      const s = sockets.get(inode);
      if (s?.state !== '01') continue;
      const pid = listenerOf(s.remote, sockets);
      if (pid && pid !== db && pid !== redis) backend.add(pid);
    }
  }
  const seen = [`database pid ${db ?? 'not found'}`, `its backend ${backend.size ? [...backend].join(', ') : 'none'}`, `redis pid ${redis ?? 'not found'}`].join(', ');
  return { database: db ? [db] : [], backend: [...backend], redis: redis ? [redis] : [], seen };
}

/** The highest VmRSS of `pid` in MB, read every 200 ms until `stop()`. */
function rssSampler(pid: number): { stop: () => number } {
  let max = 0;
  const read = () => {
    try {
      const m = /^VmRSS:\s+(\d+) kB/m.exec(readFileSync(`/proc/${pid}/status`, 'utf8'));
      if (m) max = Math.max(max, Number(m[1]) / 1024);
    } catch {
      // exited: the window will fail elsewhere
    }
  };
  read();
  const timer = setInterval(read, 200);
  return {
    stop: () => {
      clearInterval(timer);
      read();
      return max;
    },
  };
}

// ---------------------------------------------------------------------------------------------
// One build: its processes, database and measurements.

interface Build {
  label: 'A' | 'B';
  name: string;
  cluster: ServiceCluster;
  api: ServiceProcess;
  workers: ServiceProcess[];
  verifierPath: string;
  /** The server processes it runs on (for their CPU). */
  servers: ReturnType<typeof serverProcesses>;
  /** Money topped up and payments written (of 1, or EXACT_AMOUNT in the exactness check), for conservation. */
  toppedUp: number;
  paid: number;
  correctness: string[];
}

interface PayWindow {
  ok: number;
  non2xx: number;
  errors: number;
  perSecond: number;
  p50: number;
  p99: number;
  cpuMsPerPayment: number;
  cpuSplit: Record<string, number>;
  maxRssMb: number;
}

interface Round {
  distinct: PayWindow;
  hot: PayWindow;
  transfers: TransferLoad;
  report: ReportRun | null;
}

interface ReportRun {
  seededPerSecond: number;
  lookupP50: number;
  firstPageP50: number;
  firstPageP99: number;
}

/** scripts/bench-report.ts on the build's servers: its seeding rate, `_id` lookup and first page. */
function reportRun(build: Build, o: Options): Promise<ReportRun> {
  const env = {
    ...process.env,
    MONGODB_URI: build.cluster.env.MONGODB_URI,
    REDIS_URL: build.cluster.env.REDIS_URL,
    BENCH_ENTRIES: String(o.reportEntries),
    BENCH_ONLY: '^first page, limit 100$|^`_id` lookup$',
    BENCH_SCENARIO_SECONDS: String(o.seconds),
  };
  const tsNode = join(REPO_ROOT, 'node_modules', '.bin', 'ts-node');
  return new Promise((resolve, reject) => {
    const child = spawn(tsNode, ['--transpile-only', join(REPO_ROOT, 'scripts', 'bench-report.ts')], { cwd: REPO_ROOT, env, stdio: ['ignore', 'pipe', 'pipe'] });
    let text = '';
    child.stdout.on('data', (d: Buffer) => (text += d.toString()));
    child.stderr.on('data', (d: Buffer) => (text += d.toString()));
    child.once('exit', (code) => {
      const seeded = /seeded (\d+) entries .* in ([\d.]+) s/.exec(text);
      const lookup = /`_id` lookup: \d+ requests, p50 ([\d.]+) ms/.exec(text);
      const page = /first page, limit 100: \d+ requests, p50 ([\d.]+) ms, p99 ([\d.]+) ms/.exec(text);
      if (code !== 0 || !seeded || !lookup || !page) return reject(new Error(`bench-report on build ${build.label} failed (${code}):\n${text.slice(-2000)}`));
      resolve({ seededPerSecond: Number(seeded[1]) / Number(seeded[2]), lookupP50: Number(lookup[1]), firstPageP50: Number(page[1]), firstPageP99: Number(page[2]) });
    });
  });
}

type ServerEnv = { MONGODB_URI: string; REDIS_URL: string };

async function startBuild(label: 'A' | 'B', name: string, serverEnv: ServerEnv, tree?: { root: string; app: CompiledApp }): Promise<Build> {
  const servers = serverProcesses(serverEnv);
  out(`servers of ${label}: ${servers.seen}`);
  const cluster = await ServiceCluster.create(`cmp${label}`, { ...PRODUCTION_QUEUE_ENV, ...serverEnv }, tree);
  cleanups.push({ what: `build ${label}'s processes, database and Redis keys`, run: () => cluster.destroy() });
  const api = await cluster.startApi(`api-${label}`);
  const workers = await Promise.all([1, 2].map((i) => cluster.startWorker(`worker-${label}-${i}`)));
  // The verifier's home in this build: the reconciliation module, or inside wallet before it moved there.
  const verifierPath = [join(cluster.app.dir, 'modules', 'reconciliation', 'ledger-verifier.js'), join(cluster.app.dir, 'modules', 'wallet', 'ledger', 'ledger-verifier.js')].find((p) => existsSync(p))!;
  return { label, name, cluster, api, workers, verifierPath, servers, toppedUp: 0, paid: 0, correctness: [] };
}

/** Payment entries written for these wallets so far, once the count stops moving (requests cut off at a window's end still finish). */
async function settledPayments(db: Db, walletIds: string[]): Promise<number> {
  const count = () => db.collection('ledger_entries').countDocuments({ entry_type: 'PAYMENT', wallet_id: { $in: walletIds } });
  let last = await count();
  for (let i = 0; i < 40; i++) {
    await new Promise((r) => setTimeout(r, 300));
    const now = await count();
    if (now === last) return now;
    last = now;
  }
  return last;
}

/** --seconds of POST /pay of 1 with --connections connections, requests rotated over the accounts' tokens. */
async function payWindow(build: Build, o: Options, what: string, tokens: string[], walletIds: string[]): Promise<PayWindow> {
  const servers = build.servers;
  const groups = { 'API + workers': [build.api.pid, ...build.workers.map((w) => w.pid)], database: servers.database, PostgreSQL: servers.backend, Redis: servers.redis };
  const rss = rssSampler(build.api.pid);
  const cpuBefore = cpuMs(groups);
  const { result, seconds } = await payLoad(build.api.baseUrl!, tokens, { connections: o.connections, duration: o.seconds });
  const cpuAfter = cpuMs(groups);
  const maxRssMb = rss.stop();
  const ok = result['2xx'];
  const cpuSplit = Object.fromEntries(Object.keys(groups).map((g) => [g, ok ? (cpuAfter[g] - cpuBefore[g]) / ok : NaN]));
  const written = await settledPayments(build.cluster.db, walletIds);
  build.paid += written;
  const errors = result.errors + result.timeouts;
  // Every 2xx is a payment written; beyond them only the requests autocannon cut off at the end (and errors) may have been.
  if (written < ok || written > ok + o.connections + errors + result.non2xx) {
    build.correctness.push(`${what}, build ${build.label}: ${ok} payments answered 2xx but ${written} written`);
  }
  return {
    ok,
    non2xx: result.non2xx,
    errors,
    perSecond: ok / seconds,
    p50: result.latency.p50,
    p99: result.latency.p99,
    cpuMsPerPayment: Object.values(cpuSplit).reduce((a, b) => a + b, 0),
    cpuSplit,
    maxRssMb,
  };
}

async function fundedAccounts(build: Build, n: number) {
  const accounts = await mapLimit(Array.from({ length: n }), 4, () => createAccount(build.api.baseUrl!, START_BALANCE, 'Bench'));
  build.toppedUp += n * START_BALANCE;
  return accounts;
}

async function round(build: Build, o: Options): Promise<Round> {
  const [hotAccount, ...accounts] = await fundedAccounts(build, o.wallets + 1);
  const distinct = await payWindow(build, o, 'POST /pay on distinct wallets', accounts.map((a) => a.token), accounts.map((a) => a.userId));
  const hot = await payWindow(build, o, 'POST /pay on one hot wallet', [hotAccount.token], [hotAccount.userId]);
  const transfers = await runTransfers(build.cluster.db, build.api.baseUrl!, { transfers: o.transfers, senders: SENDERS, concurrency: TRANSFERS_IN_FLIGHT, settleSeconds: o.settleSeconds, hotReceiver: false });
  build.toppedUp += transfers.toppedUp;
  if (transfers.failed) build.correctness.push(`transfers, build ${build.label}: ${transfers.failed} of ${transfers.transfers} not SUCCESS`);
  out(
    `  ${build.label}: pay ${distinct.perSecond.toFixed(0)}/s (p99 ${distinct.p99} ms, ${distinct.cpuMsPerPayment.toFixed(1)} ms CPU), hot ${hot.perSecond.toFixed(0)}/s, ` +
      `transfers applied ${transfers.appliedPerSecond.toFixed(1)}/s (${transfers.dbOpsPerTransfer?.toFixed(1) ?? 'n/a'} DB ops each)`,
  );
  const report = o.reportEntries ? await reportRun(build, o) : null;
  if (report) out(`  ${build.label}: report seeded ${report.seededPerSecond.toFixed(0)} entries/s, first page p50 ${report.firstPageP50} / p99 ${report.firstPageP99} ms`);
  return { distinct, hot, transfers, report };
}

/** 51 concurrent payments of 10 on a balance of 500: exactly 50 succeed and the balance ends at 0. */
async function exactness(build: Build): Promise<string> {
  const base = build.api.baseUrl!;
  const account = await createAccount(base, EXACT_PAYMENTS * EXACT_AMOUNT, 'Exact');
  build.toppedUp += EXACT_PAYMENTS * EXACT_AMOUNT;
  const replies = await Promise.all(
    Array.from({ length: EXACT_PAYMENTS + 1 }, () => call(base, 'POST', '/pay', { token: account.token, body: { amount: EXACT_AMOUNT, remarks: 'exactness' } })),
  );
  const ok = replies.filter((r) => r.status >= 200 && r.status < 300).length;
  const refused = replies.filter((r) => r.status >= 400 && r.status < 500).length;
  const balance = await balanceOf(base, account);
  const written = await settledPayments(build.cluster.db, [account.userId]);
  build.paid += written * EXACT_AMOUNT;
  const seen = `${ok} of ${EXACT_PAYMENTS + 1} succeeded, ${refused} refused, ${written} written, balance ${balance}`;
  if (ok === EXACT_PAYMENTS && refused === 1 && written === EXACT_PAYMENTS && balance === 0) return `pass (${seen})`;
  build.correctness.push(`exactness, build ${build.label}: ${seen}`);
  return `FAIL (${seen})`;
}

/** The build's own ledger verifier over its database, then nothing in flight and money conserved. */
async function verify(build: Build): Promise<string> {
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const { verifyLedger } = require(build.verifierPath) as { verifyLedger: (db: Db) => Promise<{ wallets: number; entries: number; totalBalance: number; inFlight: number; problems: string[] }> };
  const report = await verifyLedger(build.cluster.db);
  const problems = [...report.problems];
  if (report.inFlight !== 0) problems.push(`${report.inFlight} still in flight`);
  const expected = build.toppedUp - build.paid;
  if (report.totalBalance !== expected) problems.push(`money not conserved: balances ${report.totalBalance} != top-ups ${build.toppedUp} − payments ${build.paid}`);
  build.correctness.push(...problems.map((p) => `ledger, build ${build.label}: ${p}`));
  return problems.length ? `FAIL: ${problems.length} problem(s)` : `ok (${report.wallets} wallets, ${report.entries} entries, balances ${report.totalBalance} = top-ups − payments)`;
}

// ---------------------------------------------------------------------------------------------
// Report.

const median = (xs: number[]) => {
  const s = xs.filter((x) => Number.isFinite(x)).sort((a, b) => a - b);
  return s.length ? (s.length % 2 ? s[(s.length - 1) / 2] : (s[s.length / 2 - 1] + s[s.length / 2]) / 2) : NaN;
};
const fmt = (x: number, digits = 1) => (Number.isFinite(x) ? x.toFixed(digits) : 'n/a');

function printTables(rounds: { A: Round; B: Round }[], reportEntries = 0): void {
  const each = (f: (r: Round, build: 'A' | 'B', i: number) => string) => rounds.flatMap((r, i) => (['A', 'B'] as const).map((b) => f(r[b], b, i)));
  const cpu = (w: PayWindow) => Object.values(w.cpuSplit).map((v) => fmt(v, 2)).join(' / ');
  out('### POST /pay, distinct wallets');
  out();
  out('| round | build | req/s | p50 ms | p99 ms | non-2xx | errors | CPU ms / payment | of which API+workers / database / PostgreSQL / Redis | max API RSS MB |');
  out('|---:|---|---:|---:|---:|---:|---:|---:|---|---:|');
  for (const line of each((r, b, i) => `| ${i + 1} | ${b} | ${fmt(r.distinct.perSecond)} | ${r.distinct.p50} | ${r.distinct.p99} | ${r.distinct.non2xx} | ${r.distinct.errors} | ${fmt(r.distinct.cpuMsPerPayment, 2)} | ${cpu(r.distinct)} | ${fmt(r.distinct.maxRssMb, 0)} |`)) out(line);
  out();
  out('### POST /pay, one hot wallet');
  out();
  out('| round | build | req/s | p50 ms | p99 ms | non-2xx | errors | CPU ms / payment | max API RSS MB |');
  out('|---:|---|---:|---:|---:|---:|---:|---:|---:|');
  for (const line of each((r, b, i) => `| ${i + 1} | ${b} | ${fmt(r.hot.perSecond)} | ${r.hot.p50} | ${r.hot.p99} | ${r.hot.non2xx} | ${r.hot.errors} | ${fmt(r.hot.cpuMsPerPayment, 2)} | ${fmt(r.hot.maxRssMb, 0)} |`)) out(line);
  out();
  if (rounds[0].A.report) {
    out(`### Report read side (scripts/bench-report.ts, one wallet of ${reportEntries} entries)`);
    out();
    out('| round | build | seeding, entries/s (insertMany of 5,000) | `_id` lookup p50 ms | first page p50 ms | first page p99 ms |');
    out('|---:|---|---:|---:|---:|---:|');
    for (const line of each((r, b, i) => `| ${i + 1} | ${b} | ${fmt(r.report!.seededPerSecond, 0)} | ${r.report!.lookupP50} | ${r.report!.firstPageP50} | ${r.report!.firstPageP99} |`)) out(line);
    out();
  }
  out('### Transfers, two workers');
  out();
  out('| round | build | transfers | accepted/s | POST p50 / p99 ms | applied/s | accept → SUCCESS p50 / p99 / max ms | max backlog | DB ops / transfer | not SUCCESS |');
  out('|---:|---|---:|---:|---:|---:|---:|---:|---:|---:|');
  for (const line of each(
    (r, b, i) =>
      `| ${i + 1} | ${b} | ${r.transfers.transfers} | ${fmt(r.transfers.acceptedPerSecond)} | ${fmt(r.transfers.postP50, 0)} / ${fmt(r.transfers.postP99, 0)} | ${fmt(r.transfers.appliedPerSecond)} | ` +
      `${r.transfers.e2eP50} / ${r.transfers.e2eP99} / ${r.transfers.e2eMax} | ${r.transfers.maxBacklog} | ${fmt(r.transfers.dbOpsPerTransfer ?? NaN)} | ${r.transfers.failed} |`,
  )) out(line);
  out();
}

function printRatios(rounds: { A: Round; B: Round }[], goals: boolean): void {
  const metrics: { name: string; of: (r: Round) => number; goal: string; met: (a: number, b: number, ratio: number) => boolean }[] = [
    { name: 'pay req/s, distinct wallets', of: (r) => r.distinct.perSecond, goal: 'B/A ≥ 4', met: (_a, _b, q) => q >= 4 },
    { name: 'pay p99 ms, distinct wallets', of: (r) => r.distinct.p99, goal: "B's p99 < A's p50", met: (_a, b) => b < median(rounds.map((r) => r.A.distinct.p50)) },
    { name: 'CPU ms / payment, all processes', of: (r) => r.distinct.cpuMsPerPayment, goal: 'B ≤ 3 ms', met: (_a, b) => b <= 3 },
    { name: 'pay req/s, one hot wallet', of: (r) => r.hot.perSecond, goal: 'B/A ≥ 3', met: (_a, _b, q) => q >= 3 },
    { name: 'transfers applied/s, two workers', of: (r) => r.transfers.appliedPerSecond, goal: 'B/A ≥ 4', met: (_a, _b, q) => q >= 4 },
    { name: 'DB operations / transfer', of: (r) => r.transfers.dbOpsPerTransfer ?? NaN, goal: 'B ≤ 10', met: (_a, b) => b <= 10 },
    { name: 'accept → SUCCESS p99 ms', of: (r) => r.transfers.e2eP99, goal: 'B < 1000 ms', met: (_a, b) => b < 1000 },
    { name: 'max API RSS MB (distinct /pay)', of: (r) => r.distinct.maxRssMb, goal: 'B < 250 MB', met: (_a, b) => b < 250 },
  ];
  if (rounds[0].A.report) {
    metrics.push(
      { name: 'report seeding, entries/s', of: (r) => r.report!.seededPerSecond, goal: '', met: () => true },
      { name: '`_id` lookup p50 ms', of: (r) => r.report!.lookupP50, goal: '', met: () => true },
      { name: 'report first page p50 ms', of: (r) => r.report!.firstPageP50, goal: '', met: () => true },
      { name: 'report first page p99 ms', of: (r) => r.report!.firstPageP99, goal: 'B < 20 ms', met: (_a, b) => b < 20 },
    );
  }
  out(`### B/A: median of the ${rounds.length} per-round ratio(s)${goals ? ', against the goals of issue 13' : ''}`);
  out();
  out(goals ? '| metric | A (median) | B (median) | B/A | goal | |' : '| metric | A (median) | B (median) | B/A |');
  out(goals ? '|---|---:|---:|---:|---|---|' : '|---|---:|---:|---:|');
  for (const m of metrics) {
    const a = median(rounds.map((r) => m.of(r.A)));
    const b = median(rounds.map((r) => m.of(r.B)));
    const ratio = median(rounds.map((r) => m.of(r.B) / m.of(r.A)));
    const met = Number.isFinite(b) && m.met(a, b, ratio);
    out(`| ${m.name} | ${fmt(a)} | ${fmt(b)} | ${fmt(ratio, 2)} |${goals ? ` ${m.goal} | ${met ? 'met' : 'not met'} |` : ''}`);
  }
  out();
}

// ---------------------------------------------------------------------------------------------

async function main(): Promise<number> {
  const o = parseOptions(process.argv.slice(2));
  if (o.reportEntries && !o.settings) throw new Error('--report-entries needs --settings (the report bench is this tree\'s code)');
  const started = Date.now();
  const bound = setTimeout(() => exitAfterCleanUp(2, `bench:compare ran past --max-minutes ${o.maxMinutes}`), o.maxMinutes * 60_000);
  bound.unref();
  process.once('SIGINT', () => exitAfterCleanUp(130, 'interrupted'));
  process.once('SIGTERM', () => exitAfterCleanUp(143, 'terminated'));

  const baseline = o.settings ? null : prepareBaseline(o.baseline);
  if (baseline) out(`baseline compiled: ${baseline.app.dir}${baseline.app.buildMs ? ` (${(baseline.app.buildMs / 1000).toFixed(1)} s)` : ' (reused)'}; node_modules ${baseline.modules}`);
  const candidate = compiledApp(out);
  const head = git('rev-parse', '--short=12', 'HEAD');
  const dirty = git('status', '--porcelain', '--untracked-files=no', '--', 'src') !== '';
  const candidateName = `working tree at ${head}${dirty ? ' with uncommitted changes in src/' : ''}`;
  out(`candidate compiled: ${candidate.dir}${candidate.buildMs ? ` (${(candidate.buildMs / 1000).toFixed(1)} s)` : ' (reused)'}`);

  let A: Build;
  let B: Build;
  if (o.settings) {
    const settings = Object.entries(o.settings).map(([k, v]) => `${k}=${v}`).join(' ');
    out(`servers of A: scripts/services.sh with ${settings}; servers of B: its defaults (both wiped first)`);
    const a = startServices('bench-compare-a', o.settings, true);
    cleanups.push({ what: "stop A's servers", run: a.stop });
    const b = startServices('bench-compare', {}, true);
    cleanups.push({ what: "stop B's servers", run: b.stop });
    Object.assign(process.env, b.env);
    A = await startBuild('A', `${candidateName}, servers with ${settings}`, a.env);
    B = await startBuild('B', `${candidateName}, servers with the defaults`, b.env);
  } else {
    const stopServices = ensureServices('bench-compare', out);
    cleanups.push({ what: 'stop the servers', run: stopServices });
    const env = { MONGODB_URI: process.env.MONGODB_URI!, REDIS_URL: process.env.REDIS_URL! };
    A = await startBuild('A', `${o.baseline} (${baseline!.commit.slice(0, 12)})`, env, baseline!);
    B = await startBuild('B', candidateName, env);
  }
  const backend = await databaseBackend(A.cluster.db);

  const exact = { A: await exactness(A), B: await exactness(B) };
  out(`exactness: A ${exact.A}; B ${exact.B}`);

  if (o.warmupSeconds > 0) {
    for (const build of [A, B]) {
      const accounts = await fundedAccounts(build, o.wallets);
      const w = await payWindow(build, { ...o, seconds: o.warmupSeconds }, 'warm-up POST /pay', accounts.map((a) => a.token), accounts.map((a) => a.userId));
      out(`warm-up ${build.label}: pay ${w.perSecond.toFixed(0)}/s for ${o.warmupSeconds} s (p99 ${w.p99} ms), not measured`);
    }
  }
  if (o.warmupTransfers > 0) {
    for (const build of [A, B]) {
      const t = await runTransfers(build.cluster.db, build.api.baseUrl!, { transfers: o.warmupTransfers, senders: SENDERS, concurrency: TRANSFERS_IN_FLIGHT, settleSeconds: o.settleSeconds, hotReceiver: false });
      build.toppedUp += t.toppedUp;
      if (t.failed) build.correctness.push(`warm-up transfers, build ${build.label}: ${t.failed} of ${t.transfers} not SUCCESS`);
      out(`warm-up ${build.label}: ${t.transfers} transfers applied at ${t.appliedPerSecond.toFixed(1)}/s (accept → SUCCESS p99 ${t.e2eP99} ms), not measured`);
    }
  }

  const rounds: { A: Round; B: Round }[] = [];
  for (let i = 0; i < o.rounds; i++) {
    out(`round ${i + 1} of ${o.rounds} (load average ${loadavg()[0].toFixed(1)})`);
    const a = await round(A, o);
    const b = await round(B, o);
    rounds.push({ A: a, B: b });
  }
  const ledger = { A: await verify(A), B: await verify(B) };

  out();
  out(`## bench:compare — A: ${A.name}, B: ${B.name}`);
  out();
  out(
    `${backend}, ${cpus().length} CPUs, Node ${process.version}, load average ${loadavg()[0].toFixed(1)} at the end; each build: 1 API + 2 workers, production queue settings; ` +
      `${o.warmupSeconds ? `${o.warmupSeconds} s /pay warm-up per build, not measured; ` : ''}${o.warmupTransfers ? `${o.warmupTransfers} warm-up transfers per build, not measured; ` : ''}${o.rounds} round(s) A, B; /pay ${o.seconds} s × ${o.connections} connections on ${o.wallets} wallets then on 1; ${o.transfers} transfers, ${SENDERS} senders, ${TRANSFERS_IN_FLIGHT} in flight.`,
  );
  out();
  printTables(rounds, o.reportEntries);
  out('### Correctness');
  out();
  out('| build | exactness: 51 payments on a balance for 50 | ledger (its own verifier) and conservation |');
  out('|---|---|---|');
  out(`| A | ${exact.A} | ${ledger.A} |`);
  out(`| B | ${exact.B} | ${ledger.B} |`);
  out();
  printRatios(rounds, !o.settings);
  const failures = [...A.correctness, ...B.correctness];
  for (const f of failures.slice(0, 30)) out(`CORRECTNESS FAILURE: ${f}`);
  out(`total run ${((Date.now() - started) / 1000).toFixed(0)} s`);
  return failures.length ? 1 : 0;
}

main().then(
  async (code) => {
    await cleanUp();
    if (!interrupted) process.exit(code);
  },
  async (err) => {
    if (interrupted) return;
    process.stderr.write(`bench:compare failed: ${(err as Error).stack ?? err}\n`);
    await cleanUp();
    process.exit(2);
  },
);
