/**
 * The randomised fault test: a small, bounded, seeded run in the spirit of TigerBeetle's VOPR or a
 * Jepsen test. It starts its OWN FerretDB + PostgreSQL + Redis (`scripts/services.sh start --state
 * .local/chaos-<pid>`), two API and two worker processes of the compiled service, then lets several
 * simulated clients top up, pay, transfer (to wallets near MAX_BALANCE, to users being frozen and
 * deactivated), log out and reuse the logged-out token, retry with the same Idempotency-Key, while
 * someone guesses PINs in bursts and an admin freezes and deactivates users. Meanwhile, one at a time
 * and each for a few seconds, it kill -9s and restarts FerretDB, PostgreSQL, Redis, an API or a worker,
 * SIGSTOPs FerretDB or a worker, and flushes Redis. Then it restores everything, replays every
 * ambiguous request (5xx or client timeout) with its key until it gets an answer, waits for transfers to
 * settle and checks invariants over what the clients saw and what the ledger holds:
 *   1 money conserved, chains intact (verifyLedger)   5 wrong PINs evaluated <= PIN_MAX_ATTEMPTS per window
 *   2 every balance_after within [0, MAX_BALANCE]      6 no logged-out token accepted, no live one refused
 *   3 2xx = exactly one effect, 4xx = none             7 /health/ready not 200 while a dependency is down
 *   4 an unresolved 5xx/timeout moved nothing         8 no 5xx but 503 (an outage is a 503, not a 500)
 *                                                     9 nothing hangs while Redis is down (answers within 5 s)
 * Details: docs/testing.md ("The randomised fault test").
 *
 * Environment:
 *   CHAOS_SEED=<n>      replay a run's schedule (each run prints CHAOS_SEED=<n> first; default: random)
 *   CHAOS_SECONDS=<n>   length of the traffic-under-faults phase (default 70; start-up and settling add ~1 min)
 *   CHAOS_OPS=<n>       stop after this many client operations instead (default: no limit)
 *   CHAOS_CLIENTS=<n>   simulated clients (default 6, two of them kept near MAX_BALANCE)
 * A longer run is a flag away:
 *   CHAOS_SECONDS=900 npx jest --config jest.config.js --selectProjects chaos --runInBand
 * The seed fixes every random choice (operations, amounts, targets, faults, their order and durations);
 * the timing of the processes is not reproducible, so a replay re-creates the schedule, not the race.
 */
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { randomBytes } from 'node:crypto';
import { MongoClient } from 'mongodb';
import { REPO_ROOT } from '../fault/support/build';
import { pendingTransferIds } from '../fault/support/checks';
import type { TransferDocument } from '../../src/modules/transfers/persistence/transfer.schemas';
import { ChaosCluster } from './support/cluster';
import { FaultInjector } from './support/faults';
import { History } from './support/history';
import { AnswerClass, definitive, HttpClient } from './support/http';
import { checkInvariants, InvariantResult, REDIS_DOWN_ANSWER_MS } from './support/invariants';
import { chaosSeed, Prng } from './support/prng';
import { PrivateServers } from './support/servers';
import { Admin, Client, Guesser, Person, World } from './support/workload';

function positiveInt(name: string, fallback: number): number {
  const raw = process.env[name]?.trim();
  if (!raw) return fallback;
  const n = Number(raw);
  if (!Number.isInteger(n) || n < 1) throw new Error(`${name} must be a positive integer, got "${raw}"`);
  return n;
}

const SEED = chaosSeed();
const SECONDS = positiveInt('CHAOS_SECONDS', 70);
const MAX_OPS = positiveInt('CHAOS_OPS', Number.MAX_SAFE_INTEGER);
const CLIENTS = Math.max(2, positiveInt('CHAOS_CLIENTS', 6));
/** Budget of the settle phase: readiness again, replays of ambiguous requests, transfers settled. */
const SETTLE_SECONDS = 75;
const REQUEST_TIMEOUT_MS = 8000;

const LIMITS = { maxBalance: 1_000_000, maxTransactionAmount: 300_000, pinMaxAttempts: 3 };
const PIN_LOCK_SECONDS = 600;
const ADMIN: Person = { name: 'admin', userId: '', phone: '081100000000', pin: '135790' };
const SETTINGS: Record<string, string> = {
  MAX_BALANCE: String(LIMITS.maxBalance),
  MAX_TRANSACTION_AMOUNT: String(LIMITS.maxTransactionAmount),
  PIN_MAX_ATTEMPTS: String(LIMITS.pinMaxAttempts),
  PIN_LOCK_SECONDS: String(PIN_LOCK_SECONDS),
  ACCESS_TOKEN_TTL_SECONDS: '3600',
  THROTTLE_LIMIT: '1000000',
  SWEEP_INTERVAL_MS: '1000',
  SWEEP_MIN_AGE_MS: '2000',
  TRANSFER_BACKOFF_MS: '100',
  ADMIN_PHONE: ADMIN.phone,
  ADMIN_PIN: ADMIN.pin,
  JWT_SECRET: randomBytes(32).toString('hex'),
};

/** The command that replays this run: its seed and whatever else of CHAOS_* was set. */
const REPLAY = [
  `CHAOS_SEED=${SEED}`,
  ...['CHAOS_SECONDS', 'CHAOS_OPS', 'CHAOS_CLIENTS'].filter((k) => process.env[k]).map((k) => `${k}=${process.env[k]}`),
  'npx jest --config jest.config.js --selectProjects chaos --runInBand',
].join(' ');

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
const note = (line: string) => process.stdout.write(`[chaos] ${line}\n`);

async function mapLimit<T, R>(items: readonly T[], limit: number, fn: (item: T) => Promise<R>): Promise<R[]> {
  const out = new Array<R>(items.length);
  let next = 0;
  await Promise.all(Array.from({ length: Math.min(limit, items.length) }, async () => {
    while (next < items.length) {
      const i = next++;
      out[i] = await fn(items[i]);
    }
  }));
  return out;
}

function table(history: History): string {
  const classes: AnswerClass[] = ['2xx', '4xx', '5xx', 'timeout', 'neterr'];
  const lines = [`  ${'operation'.padEnd(18)}${classes.map((c) => c.padStart(8)).join('')}`];
  for (const [kind, row] of [...history.counts.entries()].sort()) lines.push(`  ${kind.padEnd(18)}${classes.map((c) => String(row.get(c) ?? 0).padStart(8)).join('')}`);
  return lines.join('\n');
}

describe('chaos: money, sessions and PIN lockout under random faults', () => {
  const stateDir = join(REPO_ROOT, '.local', `chaos-${process.pid}`);
  let servers: PrivateServers;
  let cluster: ChaosCluster;
  const started = Date.now();

  beforeAll(async () => {
    note(`CHAOS_SEED=${SEED} (replay: ${REPLAY})`);
    note(`${SECONDS} s of traffic under faults, ${CLIENTS} clients${MAX_OPS < Number.MAX_SAFE_INTEGER ? `, at most ${MAX_OPS} operations` : ''}; private servers in ${stateDir}`);
    servers = new PrivateServers(stateDir, note);
    await servers.start();
    cluster = await ChaosCluster.create(servers, SETTINGS, join(REPO_ROOT, '.local', 'process-logs', `chaos-${process.pid}`));
    await Promise.all([cluster.addApi('api-1'), cluster.addApi('api-2'), cluster.addWorker('worker-1'), cluster.addWorker('worker-2')]);
    note(`servers, migrations and 4 processes ready in ${((Date.now() - started) / 1000).toFixed(1)} s (logs in ${cluster.logDir})`);
  }, 240_000);

  afterAll(async () => {
    await cluster?.stopAll();
    await servers?.wipe();
    note(`total ${((Date.now() - started) / 1000).toFixed(1)} s`);
  }, 120_000);

  it(
    'keeps every invariant while FerretDB, PostgreSQL, Redis, APIs and workers are killed, paused and flushed',
    async () => {
      const root = new Prng(SEED);
      const http = new HttpClient(REQUEST_TIMEOUT_MS);
      const history = new History();
      const world = new World(http, history, () => cluster.apis.map((s) => cluster.baseUrl(s)), LIMITS, MAX_OPS);
      const setupRng = root.fork('setup');

      // ---- Set-up, on healthy servers: users, sessions, opening balances, one frozen and one deactivated user.
      const names = [
        ...Array.from({ length: CLIENTS }, (_, i) => `client${i + 1}`),
        ...['toggle1', 'toggle2', 'toggle3'],
        ...['gone1', 'gone2', 'gone3'],
        ...Array.from({ length: Math.ceil(SECONDS / 3) + 2 }, (_, i) => `victim${i + 1}`),
      ];
      const people = await mapLimit(names, 4, (name) => world.register(name, setupRng));
      const byName = new Map(people.map((p) => [p.name, p]));
      for (let i = 0; i < CLIENTS; i++) world.clients.push(new Client(world, byName.get(`client${i + 1}`)!, i < 2, root.fork(`client${i + 1}`)));
      for (const n of ['toggle1', 'toggle2', 'toggle3']) world.toggles.push({ ...byName.get(n)!, frozen: false });
      for (const n of ['gone1', 'gone2', 'gone3']) world.candidates.push({ ...byName.get(n)!, deactivated: false });
      world.victims.push(...people.filter((p) => p.name.startsWith('victim')));
      const admin = new Admin(world, ADMIN, root.fork('admin'));
      for (const c of world.clients) if (!(await c.ensureLogin(http.now() + 60_000))) throw new Error(`${c.name} could not log in at set-up`);
      await mapLimit(world.clients, 3, async (c) => {
        // Whales start near MAX_BALANCE, the others with two of the largest top-ups.
        const amounts = c.whale ? [300_000, 300_000, 300_000, setupRng.int(5, 9) * 10_000] : [300_000, 300_000];
        for (const amount of amounts) await c.money('topup', { amount });
      });
      await admin.deactivate(world.candidates[0]);
      await admin.freeze(world.toggles[0], true);
      const setupProblems = history.money.filter((op) => !op.answers.some((a) => a.cls === '2xx')).map((op) => `${op.kind} ${JSON.stringify(op.body)}: ${op.answers.map((a) => a.status).join(',')}`);
      if (setupProblems.length || !world.candidates[0].deactivated || !world.toggles[0].frozen) {
        throw new Error(`set-up failed on healthy servers (a harness or environment problem): ${setupProblems.join('; ')}`);
      }
      note(`set-up: ${people.length} users registered, opening balances in, ${((Date.now() - started) / 1000).toFixed(1)} s since start`);

      // ---- Traffic under faults.
      world.deadline = http.now() + SECONDS * 1000;
      world.hardStop = world.deadline + 20_000;
      const injector = new FaultInjector(servers, cluster, http, history, root.fork('faults'), {
        over: () => world.stopped() || http.now() >= world.deadline - 4000,
        downMs: [1000, 4000],
        dependencyDownMs: [2500, 6000],
        redisDownMs: [REDIS_DOWN_ANSWER_MS + 1500, REDIS_DOWN_ANSWER_MS + 4000],
        gapMs: [1500, 4000],
        readinessGraceMs: 3000,
      }, note);
      await Promise.all([
        injector.run(),
        ...world.clients.map((c) => c.loop([20, 250])),
        admin.loop(),
        new Guesser(world, root.fork('guesser')).loop(),
      ]);
      const trafficEnded = http.now();
      note(`traffic ended at ${(trafficEnded / 1000).toFixed(1)} s: ${world.opsStarted} operations, ${history.faults.length} faults`);

      // ---- Settle: everything back, every ambiguous request replayed with its key, transfers settled.
      const settleEnd = http.now() + SETTLE_SECONDS * 1000;
      await injector.restoreAll();
      const readyAll = async () => (await Promise.all(world.apis().map((api) => http.request(api, 'GET', '/health/ready', { timeoutMs: 3000 })))).every((a) => a.status === 200);
      while (!(await readyAll())) {
        if (http.now() > settleEnd) throw new Error('the APIs did not become ready again after the faults ended');
        await sleep(500);
      }
      for (let round = 0; round < 8 && http.now() < settleEnd; round++) {
        const open = world.clients.flatMap((c) => c.ops.filter((op) => !op.answers.some(definitive)).map((op) => ({ c, op })));
        if (!open.length) break;
        if (round > 0) await sleep(1000);
        await mapLimit(open, 4, async ({ c, op }) => {
          if (await c.ensureLogin(settleEnd)) await c.send(op, world.api(c.rng));
        });
      }
      const mongo = await MongoClient.connect(servers.mongodbUri, { serverSelectionTimeoutMS: 10_000 });
      try {
        const db = mongo.db(cluster.dbName);
        const records = db.collection<TransferDocument>('transfers');
        const pendingTransfers = async () => (await Promise.all((await pendingTransferIds(db)).map((_id) => records.findOne({ _id })))).filter((t): t is TransferDocument => t !== null);
        const transfersWait = http.now();
        let pending = (await pendingTransferIds(db)).length;
        let changedAt = http.now();
        let roomRounds = 0;
        while (pending > 0 && http.now() < settleEnd) {
          await sleep(1000);
          const now = (await pendingTransferIds(db)).length;
          if (now !== pending) changedAt = http.now();
          pending = now;
          if (pending && roomRounds < 4 && http.now() - changedAt > 8000) {
            // A transfer that can be neither credited (receiver full, frozen or gone) nor refunded (sender
            // full) may be held until there is room: the clients involved spend, as real ones would.
            roomRounds++;
            changedAt = http.now();
            const held = await pendingTransfers();
            const involved = new Set(held.flatMap((t) => [t.sender_id, t.receiver_id]));
            const spenders = world.clients.filter((c) => involved.has(c.person.userId));
            note(`${held.length} transfers still PENDING after 8 s without progress: ${spenders.map((c) => c.name).join(', ') || 'nobody'} pay out ${LIMITS.maxTransactionAmount} to make room`);
            for (const c of spenders) if (await c.ensureLogin(settleEnd)) await c.money('pay', { amount: LIMITS.maxTransactionAmount, remarks: 'chaos settle: make room' });
          }
        }
        const unsettled = new Map<string, string>();
        for (const t of await pendingTransfers()) {
          const balance = async (id: string) => (await db.collection<{ balance_after: number }>('ledger_entries').find({ wallet_id: id }).sort({ seq: -1 }).limit(1).next())?.balance_after ?? 0;
          unsettled.set(t._id, `${t.amount} from a wallet holding ${await balance(t.sender_id)} to one holding ${await balance(t.receiver_id)}`);
        }
        note(`settled in ${((http.now() - trafficEnded) / 1000).toFixed(1)} s (transfers: ${((http.now() - transfersWait) / 1000).toFixed(1)} s, ${unsettled.size} still PENDING)`);

        // Everything observed, for looking into a failure after the servers are gone.
        writeFileSync(join(cluster.logDir, 'history.json'), JSON.stringify({ seed: SEED, epoch: http.epoch, ...history, answers: undefined, counts: Object.fromEntries([...history.counts].map(([k, v]) => [k, Object.fromEntries(v)])) }));

        // ---- Invariants.
        const { results, ledger } = await checkInvariants({
          db,
          history,
          maxBalance: LIMITS.maxBalance,
          pinMaxAttempts: LIMITS.pinMaxAttempts,
          pinLockSeconds: PIN_LOCK_SECONDS,
          unsettled,
          settleSeconds: Math.round((http.now() - trafficEnded) / 1000),
          epoch: http.epoch,
        });
        const unresolved = history.money.filter((op) => !op.answers.some(definitive)).length;
        const faults = history.faults
          .map((f) => `  ${(f.startedAt / 1000).toFixed(1).padStart(6)}s ${f.kind.padEnd(15)}${(f.target || '').slice(0, 20).padEnd(22)}down ${((f.restoreAt - f.startedAt) / 1000).toFixed(1)}s, back after ${((f.endedAt - f.restoreAt) / 1000).toFixed(1)}s${f.error ? `  (${f.error})` : ''}`)
          .join('\n');
        const verdict = (r: InvariantResult) => `  [${r.violations.length ? 'FAIL' : ' ok '}] ${r.id}. ${r.name} (checked ${r.checked}${r.violations.length ? `, ${r.violations.length} violations` : ''})`;
        note(
          [
            `summary of CHAOS_SEED=${SEED}:`,
            table(history),
            `money operations: ${history.money.length} (${unresolved} never answered definitively); ledger: ${ledger.entries} entries in ${ledger.wallets} wallets, total ${ledger.totalBalance}, in flight ${ledger.inFlight}`,
            `faults (${history.faults.length}):`,
            faults,
            'invariants:',
            ...results.map(verdict),
            ...results.flatMap((r) => [...(r.notes?.length ? [`  notes on ${r.id} (${r.notes.length}, not failures):`] : []), ...(r.notes ?? []).slice(0, 3).map((n) => `    - ${n}`)]),
          ].join('\n'),
        );

        // The harness itself must have exercised something, or a green result would mean nothing.
        const exercised = (kind: string) => history.counts.get(kind)?.get('2xx') ?? 0;
        const harness: string[] = [];
        for (const kind of ['topup', 'pay', 'transfer']) if (exercised(kind) < 3) harness.push(`only ${exercised(kind)} ${kind} answered 2xx`);
        if (history.faults.length < 3) harness.push(`only ${history.faults.length} faults injected`);
        if (harness.length) throw new Error(`CHAOS_SEED=${SEED}: the run exercised too little to mean anything: ${harness.join('; ')}`);

        const failed = results.filter((r) => r.violations.length);
        if (failed.length) {
          const detail = failed.map((r) => [`${r.id}. ${r.name}: ${r.violations.length} violations, first ones:`, ...r.violations.slice(0, 5).map((v) => `   - ${v}`)].join('\n')).join('\n');
          throw new Error(`CHAOS_SEED=${SEED}: ${failed.length} of ${results.length} invariants violated (replay: ${REPLAY})\n${detail}`);
        }
      } finally {
        await mongo.close();
      }
    },
    (SECONDS + SETTLE_SECONDS + 180) * 1000,
  );
});
