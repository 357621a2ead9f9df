import autocannon from 'autocannon';
import { spawnSync } from 'node:child_process';
import { Agent, request } from 'node:http';
import { join } from 'node:path';
import type { Db } from 'mongodb';
import { REPO_ROOT } from './build';
import type { LedgerEntry } from '../../../src/modules/wallet/domain/ledger-entry';
import { Account, createAccount, mapLimit, Reply, replyBody } from './client';
import { openSse, SseClient } from '../../support/sse';

/**
 * What the benchmarks (`bench:transfer`, `bench:compare`) share: the servers, the production queue
 * settings, the database's operation counter and the transfer load with its measurements.
 */

/** `--name value` / `--name=value` options of a benchmark's command line: a string, or an integer within bounds. */
export function commandLine(argv: string[]): { value: (name: string, fallback: string) => string; int: (name: string, fallback: number, min: number, max: number) => number } {
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
  return { value, int };
}

/**
 * autocannon against POST /pay of 1 at `baseUrl`, every request on the next of `tokens` in turn, for
 * `amount` requests or `duration` seconds. `seconds` runs to the last response: autocannon notices
 * the end on a one-second tick, so its own duration overstates a short run.
 */
export async function payLoad(baseUrl: string, tokens: string[], load: { connections: number; amount?: number; duration?: number }): Promise<{ result: autocannon.Result; seconds: number }> {
  let next = 0;
  const started = performance.now();
  let lastResponse = started;
  const result = await autocannon({
    url: baseUrl,
    ...load,
    requests: [
      {
        method: 'POST',
        path: '/pay',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ amount: 1, remarks: 'bench' }),
        setupRequest: (req: any) => ({ ...req, headers: { ...req.headers, authorization: `Bearer ${tokens[next++ % tokens.length]}` } }),
        onResponse: () => {
          lastResponse = performance.now();
        },
      },
    ],
  });
  return { result, seconds: (lastResponse - started) / 1000 };
}

/** Production queue settings (.env.example), not the fast ones of the tests, for a ServiceCluster. */
export const PRODUCTION_QUEUE_ENV: Record<string, string> = {
  LOG_LEVEL: 'warn',
  ACCESS_TOKEN_TTL_SECONDS: '3600',
  TRANSFER_BACKOFF_MS: '500',
  SWEEP_INTERVAL_MS: '15000',
  SWEEP_MIN_AGE_MS: '30000',
};

/**
 * Starts the local servers with `scripts/services.sh` in `.local/<stateName>` unless MONGODB_URI and
 * REDIS_URL are set (then uses those); exports them into process.env and returns how to stop them.
 */
export function ensureServices(stateName: string, log: (line: string) => void): () => void {
  if (process.env.MONGODB_URI && process.env.REDIS_URL) {
    log(`using MONGODB_URI=${process.env.MONGODB_URI} REDIS_URL=${process.env.REDIS_URL}`);
    return () => undefined;
  }
  const servers = startServices(stateName);
  Object.assign(process.env, servers.env);
  return servers.stop;
}

/**
 * `scripts/services.sh start --state .local/<stateName>` with `settings` added to its environment
 * (e.g. FERRETDB_PG_GIN=off), after a `wipe` of that state when `fresh`; returns the MONGODB_URI and
 * REDIS_URL it printed and how to stop it. MONGODB_URI/REDIS_URL of this process are not passed on.
 */
export function startServices(stateName: string, settings: Record<string, string> = {}, fresh = false): { env: { MONGODB_URI: string; REDIS_URL: string }; stop: () => void } {
  const state = join(REPO_ROOT, '.local', stateName);
  const script = join(REPO_ROOT, 'scripts', 'services.sh');
  const { MONGODB_URI: _m, REDIS_URL: _r, ...inherited } = process.env;
  const env = { ...inherited, ...settings };
  if (fresh) spawnSync('bash', [script, 'wipe', '--state', state], { env, stdio: ['ignore', 'ignore', 'inherit'] });
  const started = spawnSync('bash', [script, 'start', '--state', state], { env, encoding: 'utf8', stdio: ['ignore', 'pipe', 'inherit'] });
  if (started.status !== 0) throw new Error('scripts/services.sh start failed (see above)');
  const printed = Object.fromEntries([...started.stdout.matchAll(/^export (\w+)=(.*)$/gm)].map((m) => [m[1], m[2]]));
  if (!printed.MONGODB_URI || !printed.REDIS_URL) throw new Error(`scripts/services.sh printed no MONGODB_URI/REDIS_URL:\n${started.stdout}`);
  return {
    env: { MONGODB_URI: printed.MONGODB_URI, REDIS_URL: printed.REDIS_URL },
    stop: () => void spawnSync('bash', [script, 'stop', '--state', state], { env, stdio: ['ignore', 'ignore', 'inherit'] }),
  };
}

/** `FerretDB <version>` or `MongoDB <version>`: what answers on this database. */
export async function databaseBackend(db: Db): Promise<string> {
  const info = await db.admin().command({ buildInfo: 1 });
  return info.ferretdbVersion ? `FerretDB ${info.ferretdbVersion}` : `MongoDB ${info.version}`;
}

/**
 * Reads and writes the database server has answered so far (find, getMore, insert, update, delete,
 * findAndModify), server-wide; aggregate and count (the benchmarks' own polling) are left out.
 */
export async function dbOperations(db: Db): Promise<number | null> {
  const status = await db.admin().command({ serverStatus: 1 });
  const commands = status.metrics?.commands as Record<string, { total: unknown }> | undefined;
  if (commands) return ['find', 'getMore', 'insert', 'update', 'delete', 'findAndModify'].reduce((n, k) => n + Number(commands[k]?.total ?? 0), 0);
  const o = status.opcounters as Record<string, number> | undefined;
  return o ? o.query + o.getmore + o.insert + o.update + o.delete : null;
}

/**
 * POST /transfer on a kept-alive `node:http` connection. `fetch` costs the load generator about a
 * millisecond of CPU per request, and that millisecond is taken from the server processes sharing the
 * machine; this costs a fraction of it (docs/performance.md, "Where a transfer's CPU goes now").
 */
function postTransfer(agent: Agent, baseUrl: string, from: Account, to: Account, amount: number): Promise<Reply> {
  const body = JSON.stringify({ target_user: to.userId, amount, remarks: 'bench' });
  const url = new URL('/transfer', baseUrl);
  return new Promise<Reply>((resolve, reject) => {
    const req = request(
      { agent, host: url.hostname, port: url.port, path: url.pathname, method: 'POST', headers: { Authorization: `Bearer ${from.token}`, 'Content-Type': 'application/json', 'Content-Length': Buffer.byteLength(body) } },
      (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (c: Buffer) => chunks.push(c));
        res.on('end', () => resolve({ status: res.statusCode ?? 0, body: replyBody(Buffer.concat(chunks).toString()) }));
        res.on('error', reject);
      },
    );
    req.on('error', reject);
    req.end(body);
  });
}

/** The nearest-rank percentile of an ascending array (NaN when empty). */
export function percentile(sorted: number[], p: number): number {
  if (!sorted.length) return NaN;
  return sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1))];
}

export interface TransferLoad {
  transfers: number;
  /** Senders registered for this run, and the money they were topped up with all together. */
  senders: Account[];
  toppedUp: number;
  /** Transfers answered 202 per second of sending, and the POST /transfer latency. */
  acceptedPerSecond: number;
  postP50: number;
  postP99: number;
  /** Transfers settled SUCCESS per second, from the first debit to the last credit (service timestamps). */
  appliedPerSecond: number;
  /** accept → SUCCESS per transfer (its credit's created_at − its debit's), ms. */
  e2eP50: number;
  e2eP99: number;
  e2eMax: number;
  /** The largest number of transfers seen debited and not settled (sampled every second). */
  maxBacklog: number;
  /** Database reads and writes per transfer (every client of the server together), null when the server does not count. */
  dbOpsPerTransfer: number | null;
  /** Transfers of this run not settled SUCCESS. */
  failed: number;
  /** Change → client latency of the events seen by `eventStreams` open `GET /events` streams (none when 0). */
  eventLatency: EventLatency[];
}

export interface EventLatency {
  kind: string;
  events: number;
  p50: number;
  p99: number;
  max: number;
}

/**
 * Registers and tops up `senders` new users through the API at `baseUrl` (and a receiver with
 * `hotReceiver`), then sends `transfers` POST /transfer of `amount` with `concurrency` in flight
 * (between every sender and each of the others in turn, or all to the receiver) while the running
 * workers settle them, waits until none is PENDING (at most `settleSeconds`) and measures them.
 * Only this run's transfers are measured (by sender), so a database may hold others, settled.
 * Throws when a transfer is refused or they do not settle in time.
 *
 * Everything is read from the ledger's entries, which every version of the service writes alike (where a
 * transfer's status is written differs between versions): a transfer is settled once its settlement
 * entry exists, its receiver's credit (`TRANSFER_IN`) or its sender's refund (`TRANSFER_REFUND`),
 * accepted at its debit's (`TRANSFER_OUT`) `created_at` and applied at its credit's; one that is not
 * credited counts as failed. Each wallet is read by `wallet_id`, an indexed equality.
 */
export async function runTransfers(
  db: Db,
  baseUrl: string,
  o: { transfers: number; senders: number; concurrency: number; settleSeconds: number; hotReceiver: boolean; eventStreams?: number },
  amount = 1000,
): Promise<TransferLoad> {
  const perSender = Math.ceil(o.transfers / o.senders);
  const topUp = perSender * amount;
  const senders: Account[] = await mapLimit(Array.from({ length: o.senders }), 4, () => createAccount(baseUrl, topUp, 'Sender'));
  const hot = o.hotReceiver ? await createAccount(baseUrl, 0, 'Receiver') : null;
  const plan = Array.from({ length: o.transfers }, (_, i) => {
    const from = i % o.senders;
    // Everyone else in turn (offset 1 … senders − 1), or the one hot receiver.
    const to = hot ?? senders[(from + 1 + (Math.floor(i / o.senders) % (o.senders - 1))) % o.senders];
    return { from: senders[from], to };
  });

  // Event streams of a few users, opened (and their history drained) before the run.
  const watched = (hot ? [hot, ...senders] : senders).slice(0, o.eventStreams ?? 0);
  const streams: SseClient[] = await Promise.all(watched.map((u) => openSse(baseUrl, '/events', { Authorization: `Bearer ${u.token}` })));
  if (streams.length) await new Promise((r) => setTimeout(r, 1500));
  const runStart = new Date();

  const ledger = db.collection<LedgerEntry>('ledger_entries');
  const senderIds = senders.map((s) => s.userId);
  /** The entries of these wallets that match `filter`: one indexed equality read per wallet. */
  const walletEntries = async (walletIds: string[], filter: Partial<LedgerEntry>) =>
    (await Promise.all(walletIds.map((id) => ledger.find({ wallet_id: id, ...filter }, { projection: { ref_id: 1, created_at: 1, status: 1 } }).toArray()))).flat();
  /** Transfers answered 202 so far; each settles into one credit (`TRANSFER_IN`) or one refund (`TRANSFER_REFUND`). */
  let accepted = 0;
  const settleWallets = hot ? [hot.userId, ...senderIds] : senderIds;
  // Equalities only (wallet and kind), so the database filters them and counts few: the bench's own reads
  // share the machine with the builds it measures.
  const countPending = async () => {
    const settled = await Promise.all(settleWallets.flatMap((id) => (['TRANSFER_IN', 'TRANSFER_REFUND'] as const).map((kind) => ledger.countDocuments({ wallet_id: id, entry_type: kind }))));
    return accepted - settled.reduce((a, b) => a + b, 0);
  };

  let maxBacklog = 0;
  let sampling = true;
  const sampler = (async () => {
    while (sampling) {
      maxBacklog = Math.max(maxBacklog, await countPending());
      await new Promise((r) => setTimeout(r, 1000));
    }
  })();

  try {
    const opsStart = await dbOperations(db);
    const postMs: number[] = [];
    const sendStart = performance.now();
    const agent = new Agent({ keepAlive: true, maxSockets: o.concurrency });
    const replies = await mapLimit(plan, o.concurrency, async (t) => {
      const t0 = performance.now();
      const reply = await postTransfer(agent, baseUrl, t.from, t.to, amount);
      if (reply.status === 202) accepted++;
      postMs.push(performance.now() - t0);
      return reply;
    }).finally(() => agent.destroy());
    const sendSeconds = (performance.now() - sendStart) / 1000;
    const refused = replies.filter((r) => r.status !== 202);
    if (refused.length) throw new Error(`${refused.length} transfers refused, first: ${refused[0].status} ${JSON.stringify(refused[0].body)}`);

    const deadline = Date.now() + o.settleSeconds * 1000;
    for (;;) {
      const pending = await countPending();
      if (pending === 0) break;
      if (Date.now() > deadline) throw new Error(`${pending} transfers still PENDING after ${o.settleSeconds} s`);
      // The rate is measured from the entries' own times, not from when this loop sees them.
      await new Promise((r) => setTimeout(r, 1000));
    }
    const opsEnd = await dbOperations(db);
    const eventLatency = streams.length ? await measureEventLatency(db, streams, runStart) : [];

    const debits = await walletEntries(senderIds, { entry_type: 'TRANSFER_OUT' });
    const credits = await walletEntries(hot ? [hot.userId] : senderIds, { entry_type: 'TRANSFER_IN' });
    const creditAt = new Map(credits.map((e) => [e.ref_id, e.created_at.getTime()]));
    const succeeded = debits.filter((d) => creditAt.has(d.ref_id));
    const failed = o.transfers - succeeded.length;
    const e2e = succeeded.map((d) => creditAt.get(d.ref_id)! - d.created_at.getTime()).sort((a, b) => a - b);
    const first = Math.min(...debits.map((d) => d.created_at.getTime()));
    const last = Math.max(...creditAt.values());
    postMs.sort((a, b) => a - b);
    return {
      transfers: o.transfers,
      senders,
      toppedUp: topUp * o.senders,
      acceptedPerSecond: o.transfers / sendSeconds,
      postP50: percentile(postMs, 50),
      postP99: percentile(postMs, 99),
      appliedPerSecond: (o.transfers - failed) / ((last - first) / 1000),
      e2eP50: percentile(e2e, 50),
      e2eP99: percentile(e2e, 99),
      e2eMax: e2e[e2e.length - 1],
      maxBacklog,
      dbOpsPerTransfer: opsStart === null || opsEnd === null ? null : (opsEnd - opsStart) / o.transfers,
      failed,
      eventLatency,
    };
  } finally {
    sampling = false;
    await sampler;
    for (const s of streams) s.close();
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
