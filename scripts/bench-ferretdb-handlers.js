#!/usr/bin/env node
/*
 * Measures FerretDB's sqlite and postgresql handlers on the access patterns
 * Dompet relies on: _id-equality lookups, lookups on a unique secondary field,
 * inserts under unique indexes, a per-wallet "latest 100" listing, duplicate
 * key errors and a guarded-decrement race.
 *
 *   node scripts/bench-ferretdb-handlers.js [--handlers sqlite,postgresql]
 *        [--sizes 1000,50000] [--budget-ms 5000] [--json FILE]
 *
 * Each handler gets its own servers, started with scripts/services.sh into
 * .local/bench/<handler> (wiped first, stopped at the end). Needs `npm ci`
 * (the mongodb driver). Results: a Markdown summary on stdout and, with
 * --json, every figure in FILE. Bounded: about a minute per handler.
 */
'use strict';

const { execFileSync } = require('node:child_process');
const crypto = require('node:crypto');
const os = require('node:os');
const path = require('node:path');
const fs = require('node:fs');
const { MongoClient } = require('mongodb');

const REPO = path.resolve(__dirname, '..');
const SERVICES = path.join(REPO, 'scripts', 'services.sh');

function parseArgs(argv) {
  const opts = {
    handlers: ['sqlite', 'postgresql'],
    sizes: [1000, 50000],
    budgetMs: 5000,
    json: null,
    wallets: 20,
    concurrency: 8,
    dupRacers: 20,
    rounds: 5,
  };
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i];
    const next = () => {
      if (i + 1 >= argv.length) throw new Error(`${a} needs a value`);
      return argv[++i];
    };
    if (a === '--handlers') opts.handlers = next().split(',').filter(Boolean);
    else if (a === '--sizes') opts.sizes = next().split(',').map(Number);
    else if (a === '--budget-ms') opts.budgetMs = Number(next());
    else if (a === '--json') opts.json = path.resolve(next());
    else if (a === '-h' || a === '--help') {
      console.log(fs.readFileSync(__filename, 'utf8').split('*/')[0]);
      process.exit(0);
    } else throw new Error(`unknown argument ${a}`);
  }
  return opts;
}

function services(cmd, state, handler) {
  const args = [SERVICES, cmd, '--state', state];
  if (handler) args.push('--handler', handler);
  const env = { ...process.env };
  delete env.MONGODB_URI;
  delete env.REDIS_URL;
  return execFileSync('bash', args, { env, encoding: 'utf8', stdio: ['ignore', 'pipe', 'inherit'] });
}

function uriFromEnv(text) {
  const m = /export MONGODB_URI=(\S+)/.exec(text);
  if (!m) throw new Error(`no MONGODB_URI in services.sh output:\n${text}`);
  return m[1].replace(/^'|'$/g, '');
}

const nowMs = () => Number(process.hrtime.bigint()) / 1e6;

function pct(sorted, p) {
  if (sorted.length === 0) return null;
  const idx = Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1);
  return sorted[Math.max(0, idx)];
}

function summarize(samples) {
  const s = [...samples].sort((a, b) => a - b);
  const r = (x) => (x == null ? null : Math.round(x * 100) / 100);
  return { n: s.length, p50: r(pct(s, 50)), p99: r(pct(s, 99)), max: r(s[s.length - 1]) };
}

/** Runs fn repeatedly (sequentially) until max samples or the time budget is spent. */
async function sampleLatency(fn, { max = 500, min = 10, budgetMs }) {
  const samples = [];
  const start = nowMs();
  while (samples.length < max && (samples.length < min || nowMs() - start < budgetMs)) {
    const t = nowMs();
    await fn(samples.length);
    samples.push(nowMs() - t);
  }
  return summarize(samples);
}

const pick = (arr) => arr[Math.floor(Math.random() * arr.length)];

class Ledger {
  constructor(walletCount) {
    this.wallets = Array.from({ length: walletCount }, () => crypto.randomUUID());
    this.seq = new Map(this.wallets.map((w) => [w, 0]));
    this.ids = [];
    this.opIds = [];
    this.next = 0;
  }

  makeDoc() {
    const wallet = this.wallets[this.next++ % this.wallets.length];
    const seq = this.seq.get(wallet) + 1;
    this.seq.set(wallet, seq);
    const doc = {
      _id: `${wallet}:${String(seq).padStart(12, '0')}`,
      wallet_id: wallet,
      seq,
      amount: 1 + Math.floor(Math.random() * 100000),
      op_id: crypto.randomUUID(),
    };
    this.ids.push(doc._id);
    this.opIds.push(doc.op_id);
    return doc;
  }
}

async function insertSequential(coll, ledger, count) {
  const t = nowMs();
  for (let i = 0; i < count; i++) await coll.insertOne(ledger.makeDoc());
  const ms = nowMs() - t;
  return { docs: count, ms: Math.round(ms), perSec: Math.round((count / ms) * 1000) };
}

async function insertConcurrent(coll, ledger, count, workers) {
  let left = count;
  const t = nowMs();
  await Promise.all(
    Array.from({ length: workers }, async () => {
      while (left > 0) {
        left--;
        await coll.insertOne(ledger.makeDoc());
      }
    }),
  );
  const ms = nowMs() - t;
  return { docs: count, workers, ms: Math.round(ms), perSec: Math.round((count / ms) * 1000) };
}

async function bulkFill(coll, ledger, target, current) {
  const t = nowMs();
  let n = current;
  while (n < target) {
    const batch = [];
    for (let i = 0; i < Math.min(1000, target - n); i++) batch.push(ledger.makeDoc());
    await coll.insertMany(batch, { ordered: true });
    n += batch.length;
  }
  return { docs: target - current, ms: Math.round(nowMs() - t) };
}

async function explain(db, findCmd) {
  try {
    const r = await db.command({ explain: { find: 'ledger', ...findCmd } });
    const out = {};
    for (const k of ['filterPushdown', 'sortPushdown', 'limitPushdown', 'unsafeSortPushdown', 'unsafeLimitPushdown']) {
      if (k in r) out[k] = r[k];
    }
    const plan = r.queryPlanner && (r.queryPlanner.Plan || r.queryPlanner);
    if (plan) out.plan = JSON.stringify(plan).slice(0, 400);
    return out;
  } catch (e) {
    return { error: e.message };
  }
}

function errorShape(e) {
  if (!e) return null;
  const shape = {
    name: e.name,
    code: e.code,
    codeName: e.codeName ?? e.errorResponse?.codeName,
    errmsg: e.errmsg ?? e.errorResponse?.errmsg ?? e.message,
    keyPattern: e.keyPattern ?? e.errorResponse?.keyPattern,
    keyValue: e.keyValue ?? e.errorResponse?.keyValue,
  };
  if (e.errorResponse) shape.errorResponse = e.errorResponse;
  return shape;
}

async function duplicateRace(coll, kind, racers, rounds) {
  const result = { kind, racers, rounds, roundsWithExactlyOneWinner: 0, winners: [], otherCodes: {}, sample: null };
  for (let r = 0; r < rounds; r++) {
    const id = `dup-${kind}-${crypto.randomUUID()}`;
    const op = crypto.randomUUID();
    const docs = Array.from({ length: racers }, (_, i) =>
      kind === '_id'
        ? { _id: id, wallet_id: 'dup', seq: i, amount: 1, op_id: crypto.randomUUID() }
        : { _id: `${id}:${i}`, wallet_id: 'dup', seq: i, amount: 1, op_id: op },
    );
    const settled = await Promise.allSettled(docs.map((d) => coll.insertOne(d)));
    const ok = settled.filter((s) => s.status === 'fulfilled').length;
    result.winners.push(ok);
    if (ok === 1) result.roundsWithExactlyOneWinner++;
    for (const s of settled) {
      if (s.status !== 'rejected') continue;
      const code = String(s.reason && s.reason.code);
      result.otherCodes[code] = (result.otherCodes[code] || 0) + 1;
      if (!result.sample) result.sample = errorShape(s.reason);
    }
  }
  return result;
}

async function decrementRace(coll, racers, rounds, start) {
  const out = { racers, start, rounds: [] };
  for (let r = 0; r < rounds; r++) {
    const id = `race-${crypto.randomUUID()}`;
    await coll.insertOne({ _id: id, n: start });
    const settled = await Promise.allSettled(
      Array.from({ length: racers }, () =>
        coll.findOneAndUpdate({ _id: id, n: { $gte: 1 } }, { $inc: { n: -1 } }, { returnDocument: 'after' }),
      ),
    );
    const succeeded = settled.filter((s) => s.status === 'fulfilled' && s.value).length;
    const errors = settled.filter((s) => s.status === 'rejected').map((s) => s.reason.message);
    const final = (await coll.findOne({ _id: id })).n;
    out.rounds.push({ succeeded, final, errors: errors.length, firstError: errors[0] });
  }
  // Same race with updateOne (what a repository would more likely use).
  out.updateOne = [];
  for (let r = 0; r < rounds; r++) {
    const id = `race-u-${crypto.randomUUID()}`;
    await coll.insertOne({ _id: id, n: start });
    const settled = await Promise.allSettled(
      Array.from({ length: racers }, () => coll.updateOne({ _id: id, n: { $gte: 1 } }, { $inc: { n: -1 } })),
    );
    const modified = settled
      .filter((s) => s.status === 'fulfilled')
      .reduce((acc, s) => acc + s.value.modifiedCount, 0);
    const final = (await coll.findOne({ _id: id })).n;
    out.updateOne.push({ modified, final });
  }
  return out;
}

async function measureReads(db, coll, ledger, budgetMs) {
  const reads = {};
  reads.findById = await sampleLatency(() => coll.findOne({ _id: pick(ledger.ids) }), { budgetMs });
  reads.findByOpId = await sampleLatency(() => coll.findOne({ op_id: pick(ledger.opIds) }), { budgetMs });
  reads.latest100 = await sampleLatency(
    () => coll.find({ wallet_id: pick(ledger.wallets) }).sort({ _id: -1 }).limit(100).toArray(),
    { budgetMs, max: 200 },
  );
  reads.explain = {
    findById: await explain(db, { filter: { _id: ledger.ids[0] }, limit: 1 }),
    findByOpId: await explain(db, { filter: { op_id: ledger.opIds[0] }, limit: 1 }),
    latest100: await explain(db, { filter: { wallet_id: ledger.wallets[0] }, sort: { _id: -1 }, limit: 100 }),
  };
  return reads;
}

async function benchHandler(handler, opts) {
  const state = path.join(REPO, '.local', 'bench', handler);
  fs.mkdirSync(state, { recursive: true });
  services('wipe', state);
  const t0 = nowMs();
  const env = services('start', state, handler);
  const startMs = Math.round(nowMs() - t0);
  const uri = uriFromEnv(env);
  const client = new MongoClient(uri, { directConnection: true, maxPoolSize: 32, serverSelectionTimeoutMS: 10000 });
  const res = { handler, uri, serverStartMs: startMs, sizes: {} };
  try {
    await client.connect();
    const build = await client.db('admin').command({ buildInfo: 1 });
    res.ferretdbVersion = build.ferretdb?.version ?? build.version;
    const db = client.db('dompet_bench');
    await db.dropDatabase().catch(() => {});
    const coll = db.collection('ledger');
    await coll.createIndex({ op_id: 1 }, { unique: true, name: 'op_id_unique' });
    await coll.createIndex({ wallet_id: 1, _id: -1 }, { name: 'wallet_latest' });
    const ledger = new Ledger(opts.wallets);
    let count = 0;
    for (const size of opts.sizes) {
      const sz = {};
      // Reach `size` documents: timed single inserts where they fit, bulk for the rest.
      const seqN = Math.min(500, Math.max(0, Math.floor((size - count) / 2)));
      const concN = Math.min(1000, Math.max(0, size - count - seqN));
      const fill = size - count - seqN - concN;
      if (fill > 0) {
        sz.bulkFill = await bulkFill(coll, ledger, count + fill, count);
        count += fill;
      }
      sz.insertSequential = await insertSequential(coll, ledger, seqN);
      count += seqN;
      sz.insertConcurrent = await insertConcurrent(coll, ledger, concN, opts.concurrency);
      count += concN;
      sz.count = await coll.countDocuments({});
      Object.assign(sz, await measureReads(db, coll, ledger, opts.budgetMs));
      res.sizes[size] = sz;
      process.stderr.write(`[bench] ${handler} ${size}: ${JSON.stringify({ seq: sz.insertSequential.perSec, conc: sz.insertConcurrent.perSec, id: sz.findById.p50, op: sz.findByOpId.p50, latest: sz.latest100.p50 })}\n`);
    }
    const dupColl = db.collection('dups');
    await dupColl.createIndex({ op_id: 1 }, { unique: true, name: 'op_id_unique' });
    res.duplicateId = await duplicateRace(dupColl, '_id', opts.dupRacers, opts.rounds);
    res.duplicateOpId = await duplicateRace(dupColl, 'op_id', opts.dupRacers, opts.rounds);
    res.decrementRace = await decrementRace(db.collection('race'), opts.dupRacers, opts.rounds, 5);
  } finally {
    await client.close().catch(() => {});
    services('stop', state);
  }
  return res;
}

function markdown(all, opts) {
  const lines = [];
  lines.push('| handler | docs | seq insert/s | 8-conc insert/s | findOne {_id} p50 / p99 ms | findOne {op_id} p50 / p99 ms | latest 100 by wallet p50 / p99 ms |');
  lines.push('| --- | ---: | ---: | ---: | ---: | ---: | ---: |');
  for (const r of all) {
    for (const size of opts.sizes) {
      const s = r.sizes[size];
      if (!s) continue;
      lines.push(
        `| ${r.handler} | ${s.count} | ${s.insertSequential.perSec} | ${s.insertConcurrent.perSec} | ` +
          `${s.findById.p50} / ${s.findById.p99} | ${s.findByOpId.p50} / ${s.findByOpId.p99} | ${s.latest100.p50} / ${s.latest100.p99} |`,
      );
    }
  }
  lines.push('');
  for (const r of all) {
    lines.push(`### ${r.handler} (FerretDB ${r.ferretdbVersion})`);
    const last = r.sizes[opts.sizes[opts.sizes.length - 1]];
    if (last) lines.push(`- pushdown (explain at ${last.count} docs): ${JSON.stringify(last.explain)}`);
    for (const d of [r.duplicateId, r.duplicateOpId]) {
      if (!d) continue;
      lines.push(
        `- ${d.racers} concurrent inserts with the same ${d.kind}: winners per round ${JSON.stringify(d.winners)}, ` +
          `error codes ${JSON.stringify(d.otherCodes)}; error: ${JSON.stringify(d.sample)}`,
      );
    }
    if (r.decrementRace) {
      lines.push(
        `- findOneAndUpdate({_id, n:{$gte:1}}, {$inc:{n:-1}}) x${r.decrementRace.racers} on n=${r.decrementRace.start}: ` +
          `${JSON.stringify(r.decrementRace.rounds.map(({ succeeded, final, errors }) => ({ succeeded, final, errors })))}`,
      );
      lines.push(`- same with updateOne: ${JSON.stringify(r.decrementRace.updateOne)}`);
    }
    lines.push('');
  }
  return lines.join('\n');
}

async function main() {
  const opts = parseArgs(process.argv.slice(2));
  const t0 = nowMs();
  const all = [];
  const meta = {
    date: new Date().toISOString(),
    node: process.version,
    cpus: os.cpus().length,
    loadavg: os.loadavg().map((x) => Math.round(x * 100) / 100),
    command: `node scripts/bench-ferretdb-handlers.js ${process.argv.slice(2).join(' ')}`.trim(),
  };
  for (const h of opts.handlers) {
    process.stderr.write(`[bench] handler ${h}\n`);
    all.push(await benchHandler(h, opts));
  }
  meta.totalSeconds = Math.round((nowMs() - t0) / 100) / 10;
  console.log(`Command: \`${meta.command}\` (${meta.date}, node ${meta.node}, ${meta.cpus} CPUs, load ${meta.loadavg.join(' ')}, ${meta.totalSeconds}s)\n`);
  console.log(markdown(all, opts));
  if (opts.json) {
    fs.mkdirSync(path.dirname(opts.json), { recursive: true });
    fs.writeFileSync(opts.json, JSON.stringify({ meta, results: all }, null, 2));
    process.stderr.write(`[bench] wrote ${opts.json}\n`);
  }
}

main().catch((e) => {
  console.error(`[bench] failed: ${e && e.stack ? e.stack : e}`);
  process.exit(1);
});
