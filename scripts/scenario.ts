/**
 * Walks the brief end to end against a running Dompet, over HTTP only:
 *
 *   npm run scenario -- [--base-url http://127.0.0.1:3000] [--timeout-ms 30000]
 *
 * Registers two users (fresh phone numbers), logs both in, tops up and pays as the first, transfers
 * to the second, polls GET /transfers/:id until the background credit succeeded, reads both reports
 * and balances, and updates the first user's profile. Prints one line per request (method, path,
 * status, key fields) and exits 1 at the first unexpected answer (2 for bad arguments).
 */
import { randomInt, randomUUID } from 'node:crypto';

type Json = Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any

interface Options {
  baseUrl: string;
  timeoutMs: number;
}

class ScenarioFailure extends Error {}

function parseArgs(argv: string[]): Options {
  const options: Options = { baseUrl: 'http://127.0.0.1:3000', timeoutMs: 30_000 };
  for (let i = 0; i < argv.length; i++) {
    const [flag, inline] = argv[i].split(/=(.*)/s, 2);
    const value = () => {
      const v = inline ?? argv[++i];
      if (v === undefined) usage(`${flag} needs a value`);
      return v;
    };
    if (flag === '--base-url') options.baseUrl = value().replace(/\/+$/, '');
    else if (flag === '--timeout-ms') options.timeoutMs = Number(value());
    else if (flag === '-h' || flag === '--help') usage();
    else usage(`unknown argument ${argv[i]}`);
  }
  if (!/^https?:\/\/[^/]/.test(options.baseUrl)) usage(`--base-url must be an http(s) URL, got ${options.baseUrl}`);
  if (!Number.isFinite(options.timeoutMs) || options.timeoutMs <= 0) usage('--timeout-ms must be a positive number');
  return options;
}

function usage(problem?: string): never {
  if (problem) process.stderr.write(`scenario: ${problem}\n`);
  process.stderr.write('usage: npm run scenario -- [--base-url http://127.0.0.1:3000] [--timeout-ms 30000]\n');
  process.exit(problem ? 2 : 0);
}

/** A 12-digit Indonesian mobile number in national form, fresh for this run. */
function freshPhone(): string {
  return `089${randomInt(0, 1_000_000_000).toString().padStart(9, '0')}`;
}

function randomPin(): string {
  return randomInt(0, 1_000_000).toString().padStart(6, '0');
}

const pick = (body: Json | undefined, keys: string[]) =>
  keys
    .filter((k) => body && body[k] !== undefined)
    .map((k) => `${k}=${typeof body![k] === 'string' ? body![k] : JSON.stringify(body![k])}`)
    .join(' ');

class Client {
  private step = 0;

  constructor(private readonly options: Options) {}

  /** Sends one request, prints it, and fails unless the status is `expected`. Answers the `result`. */
  async call(method: string, path: string, expected: number, opts: { token?: string; body?: unknown; headers?: Record<string, string>; show?: string[]; quiet?: boolean } = {}): Promise<Json> {
    const headers: Record<string, string> = { Accept: 'application/json', ...opts.headers };
    if (opts.token) headers.Authorization = `Bearer ${opts.token}`;
    if (opts.body !== undefined) headers['Content-Type'] = 'application/json';
    const started = Date.now();
    let res: Response;
    try {
      res = await fetch(`${this.options.baseUrl}${path}`, {
        method,
        headers,
        body: opts.body === undefined ? undefined : JSON.stringify(opts.body),
        signal: AbortSignal.timeout(15_000),
      });
    } catch (err) {
      throw new ScenarioFailure(`${method} ${path}: no answer from ${this.options.baseUrl} (${(err as Error).message})`);
    }
    const text = await res.text();
    let body: Json | undefined;
    try {
      body = text ? (JSON.parse(text) as Json) : undefined;
    } catch {
      body = undefined;
    }
    const result = body?.result as Json | undefined;
    if (!opts.quiet || res.status !== expected) {
      const shown = res.status !== expected ? `expected ${expected}: ${text.slice(0, 300)}` : Array.isArray(result) ? `rows=${result.length}` : pick(result, opts.show ?? []);
      process.stdout.write(`${String(++this.step).padStart(2)}. ${method.padEnd(4)} ${path.padEnd(48)} ${res.status} ${Date.now() - started}ms  ${shown}\n`);
    }
    if (res.status !== expected) throw new ScenarioFailure(`${method} ${path} answered ${res.status}, expected ${expected}`);
    if (body?.status !== 'SUCCESS' || result === undefined) throw new ScenarioFailure(`${method} ${path}: not a success envelope: ${text.slice(0, 300)}`);
    return result;
  }
}

function expectEqual(what: string, actual: unknown, expected: unknown): void {
  if (JSON.stringify(actual) !== JSON.stringify(expected)) {
    throw new ScenarioFailure(`${what}: expected ${JSON.stringify(expected)}, got ${JSON.stringify(actual)}`);
  }
}

async function run(options: Options): Promise<void> {
  const api = new Client(options);
  process.stdout.write(`Dompet scenario against ${options.baseUrl}\n`);
  await api.call('GET', '/health/ready', 200, { show: ['mongodb', 'redis'] });

  // 1. Register two users.
  const people = [
    { first_name: 'Guntur', last_name: 'Saputro', phone_number: freshPhone(), address: 'Jl. Kebon Sirih No. 1', pin: randomPin() },
    { first_name: 'Tom', last_name: 'Araya', phone_number: freshPhone(), address: 'Jl. Diponegoro No. 215', pin: randomPin() },
  ];
  const registered: Json[] = [];
  for (const person of people) {
    const user = await api.call('POST', '/register', 201, { body: person, show: ['user_id', 'phone_number', 'created_date'] });
    expectEqual('registered phone_number', user.phone_number, person.phone_number);
    registered.push(user);
  }
  const [a, b] = registered;

  // 2. Log in.
  const tokens: string[] = [];
  for (const person of people) {
    const session = await api.call('POST', '/login', 200, { body: { phone_number: person.phone_number, pin: person.pin }, show: ['token_type', 'expires_in'] });
    if (typeof session.access_token !== 'string' || typeof session.refresh_token !== 'string') throw new ScenarioFailure('login answered no token pair');
    tokens.push(session.access_token);
  }
  const [tokenA, tokenB] = tokens;

  // 3. Top up, 4. pay (with Idempotency-Key, as a careful client would).
  const topUp = await api.call('POST', '/topup', 201, {
    token: tokenA,
    body: { amount: 500000 },
    headers: { 'Idempotency-Key': randomUUID() },
    show: ['top_up_id', 'amount_top_up', 'balance_before', 'balance_after'],
  });
  expectEqual('top-up balances', [topUp.balance_before, topUp.balance_after], [0, 500000]);
  const payment = await api.call('POST', '/pay', 201, {
    token: tokenA,
    body: { amount: 100000, remarks: 'Pulsa Telkomsel 100k' },
    headers: { 'Idempotency-Key': randomUUID() },
    show: ['payment_id', 'amount', 'balance_before', 'balance_after'],
  });
  expectEqual('payment balances', [payment.balance_before, payment.balance_after], [500000, 400000]);

  // 5. Transfer to the other user: debited at once, credited in the background.
  const transfer = await api.call('POST', '/transfer', 202, {
    token: tokenA,
    body: { target_user: b.user_id, amount: 30000, remarks: 'Hadiah Ultah' },
    headers: { 'Idempotency-Key': randomUUID() },
    show: ['transfer_id', 'amount', 'balance_before', 'balance_after', 'status'],
  });
  expectEqual('transfer answer', [transfer.balance_before, transfer.balance_after, transfer.status], [400000, 370000, 'PENDING']);

  // 6. Wait for the background credit.
  const path = `/transfers/${transfer.transfer_id}`;
  const deadline = Date.now() + options.timeoutMs;
  let polls = 0;
  let state: Json;
  for (;;) {
    state = await api.call('GET', path, 200, { token: tokenA, show: ['status', 'failure_reason'], quiet: polls > 0 });
    polls++;
    if (state.status !== 'PENDING') break;
    if (Date.now() > deadline) throw new ScenarioFailure(`transfer ${transfer.transfer_id} still PENDING after ${options.timeoutMs} ms`);
    await new Promise((r) => setTimeout(r, 200));
  }
  process.stdout.write(`    transfer settled as ${state.status} after ${polls} poll(s)\n`);
  expectEqual('transfer status', state.status, 'SUCCESS');
  const seenByReceiver = await api.call('GET', path, 200, { token: tokenB, show: ['status', 'sender_user_id', 'receiver_user_id'] });
  expectEqual('transfer as the receiver sees it', [seenByReceiver.status, seenByReceiver.receiver_user_id], ['SUCCESS', b.user_id]);

  // 7. The report of both users.
  const reportA = (await api.call('GET', '/transactions', 200, { token: tokenA })) as unknown as Json[];
  const rowsA = reportA.map((r) => [r.transfer_id ?? r.payment_id ?? r.top_up_id, r.transaction_type, r.status, r.amount, r.balance_after]);
  process.stdout.write(`    report of A: ${rowsA.map((r) => `${r[1]} ${r[3]} → ${r[4]}`).join(', ')}\n`);
  expectEqual('report of A, newest first', rowsA, [
    [transfer.transfer_id, 'DEBIT', 'SUCCESS', 30000, 370000],
    [payment.payment_id, 'DEBIT', 'SUCCESS', 100000, 400000],
    [topUp.top_up_id, 'CREDIT', 'SUCCESS', 500000, 500000],
  ]);
  const reportB = (await api.call('GET', '/transactions', 200, { token: tokenB })) as unknown as Json[];
  const rowsB = reportB.map((r) => [r.transfer_id, r.transaction_type, r.status, r.amount, r.balance_after, r.remarks]);
  process.stdout.write(`    report of B: ${rowsB.map((r) => `${r[1]} ${r[3]} → ${r[4]}`).join(', ')}\n`);
  expectEqual('report of B', rowsB, [[transfer.transfer_id, 'CREDIT', 'SUCCESS', 30000, 30000, 'Hadiah Ultah']]);
  const summary = await api.call('GET', '/transactions/summary', 200, { token: tokenA, show: ['opening_balance', 'total_credit', 'total_debit', 'closing_balance'] });
  expectEqual('summary of A', [summary.total_credit, summary.total_debit, summary.closing_balance], [500000, 130000, 370000]);

  // 8. Update the profile.
  const update = { first_name: 'Tom', last_name: 'Araya', address: 'Jl. Diponegoro No. 215' };
  const updated = await api.call('PUT', '/profile', 200, { token: tokenA, body: update, show: ['user_id', 'first_name', 'last_name', 'address', 'updated_date'] });
  expectEqual('updated profile', [updated.user_id, updated.first_name, updated.last_name, updated.address], [a.user_id, ...Object.values(update)]);
  const profileA = await api.call('GET', '/profile', 200, { token: tokenA, show: ['first_name', 'phone_number', 'balance'] });
  expectEqual('profile of A', [profileA.first_name, profileA.phone_number, profileA.balance], ['Tom', people[0].phone_number, 370000]);
  const profileB = await api.call('GET', '/profile', 200, { token: tokenB, show: ['first_name', 'balance'] });
  expectEqual('balance of B', profileB.balance, 30000);
}

const started = Date.now();
run(parseArgs(process.argv.slice(2))).then(
  () => {
    process.stdout.write(`scenario passed in ${((Date.now() - started) / 1000).toFixed(1)}s\n`);
  },
  (err: Error) => {
    process.stderr.write(`scenario FAILED: ${err instanceof ScenarioFailure ? err.message : (err.stack ?? err.message)}\n`);
    process.exit(1);
  },
);
