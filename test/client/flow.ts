// A front-end flow written against the client generated from the committed openapi.json
// (openapi-typescript types + openapi-fetch). scripts/check-client.sh type-checks it in `npm test`, so a
// document change that breaks front-end typing fails CI; `npx ts-node --transpile-only
// test/client/flow.ts --base-url http://127.0.0.1:3000` also runs it against a server.
import createClient from 'openapi-fetch';
import type { components, paths } from './generated/dompet-api';

type ReportEntry =
  | components['schemas']['TopUpEntryDto']
  | components['schemas']['PaymentEntryDto']
  | components['schemas']['TransferEntryDto']
  | components['schemas']['HoldEntryDto'];

function assertNever(value: never): never {
  throw new Error(`unexpected ${JSON.stringify(value)}`);
}

/** What a report row shows: the union of entries is told apart by the id it carries. */
export function describeEntry(entry: ReportEntry): string {
  if ('top_up_id' in entry) return `top-up ${entry.top_up_id} +${entry.amount}`;
  if ('payment_id' in entry) return `payment ${entry.payment_id} -${entry.amount} (${entry.remarks})`;
  if ('hold_id' in entry) return `hold ${entry.hold_id} ${entry.transaction_type === 'CREDIT' ? '+' : '-'}${entry.amount}${entry.reversal ? ' (released)' : ''} ${entry.status}`;
  const sign = entry.transaction_type === 'CREDIT' ? '+' : '-';
  return `transfer ${entry.transfer_id} ${sign}${entry.amount}${entry.reversal ? ' (refund)' : ''} with ${entry.counterparty_user_id ?? 'nobody'}`;
}

/** The JSON of a `GET /events` message: one schema per event type, told apart by `type`. */
type WalletEvent =
  | components['schemas']['TopupSucceededEvent']
  | components['schemas']['PaymentSucceededEvent']
  | components['schemas']['TransferPendingEvent']
  | components['schemas']['TransferSucceededEvent']
  | components['schemas']['TransferFailedEvent']
  | components['schemas']['TransferReceivedEvent']
  | components['schemas']['HoldCreatedEvent']
  | components['schemas']['HoldReleasedEvent']
  | components['schemas']['WalletFrozenEvent']
  | components['schemas']['WalletUnfrozenEvent'];

/** What a live page shows for an event (`JSON.parse` of an SSE message's data). */
export function describeEvent(event: WalletEvent): string {
  switch (event.type) {
    case 'wallet.frozen':
    case 'wallet.unfrozen':
      return `wallet ${event.data.wallet_frozen ? 'frozen' : 'unfrozen'} (change ${event.data.version}) at ${event.created_date}`;
    case 'transfer.pending':
    case 'transfer.succeeded':
    case 'transfer.failed':
    case 'transfer.received':
      return `${event.type} ${event.data.transfer_id} ${event.data.amount} (resume after ${event.id})`;
    case 'topup.succeeded':
      return `top-up ${event.data.top_up_id} balance ${event.data.balance_after}`;
    case 'payment.succeeded':
      return `payment ${event.data.payment_id} balance ${event.data.balance_after}`;
    case 'hold.created':
    case 'hold.released':
      return `${event.type} ${event.data.hold_id}`;
    default:
      return assertNever(event);
  }
}

export async function runFlow(baseUrl: string, log: (line: string) => void = () => undefined): Promise<void> {
  const client = createClient<paths>({ baseUrl });
  const phone = `089${String(Math.floor(Math.random() * 1e9)).padStart(9, '0')}`;
  const pin = String(Math.floor(Math.random() * 1e6)).padStart(6, '0');

  const ready = await client.GET('/health/ready');
  if (ready.error) throw new Error(`not ready: ${JSON.stringify(ready.error.checks ?? {})}`);

  const registered = await client.POST('/register', {
    body: { first_name: 'Dewi', last_name: 'Lestari', phone_number: phone, address: 'Jl. Asia Afrika No. 8', pin },
  });
  if (registered.error) throw new Error(`register: ${registered.error.code} ${registered.error.message}`);
  const userId: string = registered.data.result.user_id;

  const login = await client.POST('/login', { body: { phone_number: phone, pin } });
  if (login.error) {
    // The code tells the failures apart; a locked phone (423) says how long in retry_after_seconds.
    const wait: number | undefined = login.error.code === 'ACCOUNT_LOCKED' ? login.error.retry_after_seconds : undefined;
    throw new Error(`login: ${login.error.code}${wait === undefined ? '' : `, retry in ${wait}s`}`);
  }
  const headers = { Authorization: `Bearer ${login.data.result.access_token}` };

  const key = crypto.randomUUID();
  const topUp = () => client.POST('/topup', { headers, params: { header: { 'Idempotency-Key': key } }, body: { amount: 250000 } });
  const first = await topUp();
  const again = await topUp();
  if (first.error || again.error) throw new Error('top-up failed');
  const replayed = again.response.headers.get('Idempotent-Replayed') === 'true';
  if (!replayed || again.data.result.top_up_id !== first.data.result.top_up_id) throw new Error('the retry was not a replay');
  log(`top-up ${first.data.result.top_up_id}: ${first.data.result.balance_before} -> ${first.data.result.balance_after} (retry replayed)`);

  const pay = await client.POST('/pay', { headers, body: { amount: 300000, remarks: 'Too much' } });
  if (!pay.error) throw new Error('paying more than the balance succeeded');
  // Every code the route documents, and nothing else: the switch is exhaustive only if `code` is an enum.
  switch (pay.error.code) {
    case 'BALANCE_NOT_ENOUGH':
      log(`pay refused: ${pay.error.message}`);
      break;
    case 'VALIDATION_FAILED':
    case 'MALFORMED_JSON':
    case 'UNAUTHENTICATED':
    case 'IDEMPOTENCY_KEY_REUSED':
    case 'IDEMPOTENCY_KEY_BUSY':
    case 'WALLET_FROZEN':
    case 'ACCOUNT_INACTIVE':
    case 'LEDGER_BUSY':
    case 'SERVICE_UNAVAILABLE':
      throw new Error(`pay: unexpected ${pay.error.code}`);
    default:
      assertNever(pay.error);
  }

  const target = await client.GET('/users/lookup', { headers, params: { query: { phone_number: phone } } });
  if (target.error) throw new Error(`lookup: ${target.error.code}`);
  const self = await client.POST('/transfer', { headers, body: { target_user: target.data.result.user_id, amount: 1000, remarks: 'Self' } });
  if (self.error?.code !== 'SELF_TRANSFER') throw new Error('a transfer to oneself was not refused');

  const page = await client.GET('/transactions', { headers, params: { query: { limit: 10, type: 'TOP_UP' } } });
  if (page.error) throw new Error(`transactions: ${page.error.code}`);
  page.data.result.forEach((entry) => log(describeEntry(entry)));
  const next: string | null = page.data.pagination.next_cursor;

  // A hold: the money leaves the balance at once; a partial capture pays part of it and returns the rest.
  const held = await client.POST('/holds', { headers, body: { amount: 50000, remarks: 'Cinema seat 7F', expires_in_seconds: 600 } });
  if (held.error) throw new Error(`hold: ${held.error.code}`);
  const holdId: string = held.data.result.hold_id;
  const captured = await client.POST('/holds/{id}/capture', { headers, params: { path: { id: holdId } }, body: { amount: 20000 } });
  if (captured.error) {
    switch (captured.error.code) {
      case 'HOLD_EXPIRED':
      case 'HOLD_VOIDED':
      case 'HOLD_ALREADY_CAPTURED':
        throw new Error(`capture lost: ${captured.error.message}`);
      default:
        throw new Error(`capture: ${captured.error.code}`);
    }
  }
  if (captured.data.result.released_amount !== 30000) throw new Error(`released ${captured.data.result.released_amount}`);
  const holds = await client.GET('/holds', { headers, params: { query: { status: 'CAPTURED' } } });
  if (holds.error || holds.data.result[0]?.hold_id !== holdId) throw new Error('the captured hold is not listed');
  const second = await client.POST('/holds', { headers, body: { amount: 10000, remarks: 'Ride' } });
  if (second.error) throw new Error(`hold: ${second.error.code}`);
  const voided = await client.POST('/holds/{id}/void', { headers, params: { path: { id: second.data.result.hold_id } } });
  if (voided.error || voided.data.result.status !== 'VOIDED') throw new Error('void failed');
  const got = await client.GET('/holds/{id}', { headers, params: { path: { id: holdId } } });
  if (got.error || got.data.result.status !== 'CAPTURED') throw new Error('the hold is not CAPTURED');
  const holdEntries = await client.GET('/transactions', { headers, params: { query: { type: 'HOLD' } } });
  if (holdEntries.error) throw new Error(`transactions: ${holdEntries.error.code}`);
  holdEntries.data.result.forEach((entry) => log(describeEntry(entry)));

  const summary = await client.GET('/transactions/summary', { headers, params: { query: {} } });
  if (summary.error) throw new Error(`summary: ${summary.error.code}`);
  if (summary.data.result.closing_balance !== 230000) throw new Error(`closing balance ${summary.data.result.closing_balance}`);

  const logout = await client.POST('/logout', { headers });
  if (logout.error) throw new Error(`logout: ${logout.error.code}`);
  log(`user ${userId}: flow done (next cursor ${next ?? 'none'})`);
}

if (require.main === module) {
  const i = process.argv.indexOf('--base-url');
  const baseUrl = i > 0 ? process.argv[i + 1] : 'http://127.0.0.1:3000';
  runFlow(baseUrl!, (line) => process.stdout.write(`${line}\n`)).then(
    () => process.stdout.write('client flow: OK\n'),
    (err: Error) => {
      process.stderr.write(`client flow: ${err.message}\n`);
      process.exit(1);
    },
  );
}
