// The Postman collection `postman/dompet.postman_collection.json`: a test suite that walks the API the way a
// user lives it, written by `npm run openapi:export` from the steps below and the OpenAPI document.
//
// Every step names the operation it calls; the document gives its method and path (a step cannot call a
// route that is not documented) and the fields its success answer must carry (each request checks them),
// and test/e2e/openapi.e2e-spec.ts fails when a documented operation is called by no step. Ids travel
// between requests in collection variables; a fresh user with a generated phone number and PIN is
// registered on every run, so the collection can run any number of times against the same server.
// Run it with `npm run postman -- --base-url http://127.0.0.1:3000` (scripts/postman.ts, newman).
import { createHash } from 'node:crypto';
import type { OpenAPIObject } from '@nestjs/swagger';
import { DEFAULT_PUBLIC_BASE_URL } from '../src/bootstrap';

type Auth = 'none' | 'user' | 'receiver' | 'admin';

interface Step {
  name: string;
  /** `method path` of the documented operation, e.g. `get /transfers/{id}`. */
  operation: string;
  /** Values of the path placeholders, e.g. `{ id: '{{transferId}}' }`. */
  params?: Record<string, string>;
  query?: Array<[string, string]>;
  headers?: Array<[string, string]>;
  body?: unknown;
  /** Whose access token goes in `Authorization` (default: the operation's security says user or none). */
  auth?: Auth;
  /** The status expected; the shape check applies to a documented 2xx. */
  status: number;
  prerequest?: string[];
  /** Assertions beyond status and shape; `body` is the parsed JSON answer (when JSON). */
  test?: string[];
}

interface Folder {
  name: string;
  description: string;
  steps: Step[];
}

/** A pre-request line that sets a fresh Indonesian mobile number and a 6-digit PIN in `<prefix>Phone` / `<prefix>Pin`. */
const freshPhoneAndPin = (prefix: string) => [
  `pm.collectionVariables.set('${prefix}Phone', '089' + String(Math.floor(Math.random() * 1e9)).padStart(9, '0'));`,
  `pm.collectionVariables.set('${prefix}Pin', String(Math.floor(Math.random() * 1e6)).padStart(6, '0'));`,
];
const code = (value: string) => [`pm.test('code is ${value}', () => pm.expect(body.code).to.eql('${value}'));`];

const FOLDERS: Folder[] = [
  {
    name: '0. Health',
    description: 'The API and its dependencies answer (no authentication).',
    steps: [
      { name: 'Liveness', operation: 'get /health/live', status: 200 },
      { name: 'Readiness: MongoDB and Redis up', operation: 'get /health/ready', status: 200, test: ["pm.test('both dependencies up', () => pm.expect(body.result).to.eql({ mongodb: 'up', redis: 'up' }));"] },
      { name: 'Prometheus metrics', operation: 'get /metrics', status: 200, test: ["pm.test('Prometheus text', () => pm.expect(pm.response.text()).to.include('# TYPE'));"] },
    ],
  },
  {
    name: '1. Register',
    description: 'Two fresh users with generated phone numbers and PINs: the one who pays, and the receiver of a transfer.',
    steps: [
      {
        name: 'Register a fresh user',
        operation: 'post /register',
        prerequest: freshPhoneAndPin('user'),
        body: { first_name: 'Guntur', last_name: 'Saputro', phone_number: '{{userPhone}}', address: 'Jl. Diponegoro No. 215', pin: '{{userPin}}' },
        status: 201,
        test: [
          "pm.test('echoes the phone number', () => pm.expect(body.result.phone_number).to.eql(pm.collectionVariables.get('userPhone')));",
          "pm.collectionVariables.set('userId', body.result.user_id);",
        ],
      },
      {
        name: 'Register the same phone again: 409',
        operation: 'post /register',
        body: { first_name: 'Guntur', last_name: 'Saputro', phone_number: '{{userPhone}}', address: 'Jl. Diponegoro No. 215', pin: '{{userPin}}' },
        status: 409,
        test: ["pm.test('brief message', () => pm.expect(body.message).to.eql('Phone Number already registered'));"],
      },
      {
        name: 'Register the receiver',
        operation: 'post /register',
        prerequest: freshPhoneAndPin('receiver'),
        body: { first_name: 'Budi', last_name: 'Santoso', phone_number: '{{receiverPhone}}', address: 'Jl. Sudirman No. 1', pin: '{{receiverPin}}' },
        status: 201,
        test: ["pm.collectionVariables.set('receiverId', body.result.user_id);"],
      },
    ],
  },
  {
    name: '2. Login',
    description: 'Login stores `accessToken` and `refreshToken`; every later request of the user sends the access token.',
    steps: [
      {
        name: 'Login with a wrong PIN: 401',
        operation: 'post /login',
        prerequest: ["pm.variables.set('wrongPin', pm.collectionVariables.get('userPin') === '000000' ? '111111' : '000000');"],
        body: { phone_number: '{{userPhone}}', pin: '{{wrongPin}}' },
        status: 401,
        test: ["pm.test('brief message', () => pm.expect(body.message).to.eql(\"Phone number and pin doesn't match.\"));"],
      },
      {
        name: 'Login',
        operation: 'post /login',
        body: { phone_number: '{{userPhone}}', pin: '{{userPin}}' },
        status: 200,
        test: ["pm.collectionVariables.set('accessToken', body.result.access_token);", "pm.collectionVariables.set('refreshToken', body.result.refresh_token);"],
      },
      {
        name: 'My profile: balance 0',
        operation: 'get /profile',
        status: 200,
        test: ["pm.test('new wallet is empty', () => pm.expect(body.result.balance).to.eql(0));", "pm.test('my user', () => pm.expect(body.result.user_id).to.eql(pm.collectionVariables.get('userId')));"],
      },
    ],
  },
  {
    name: '3. Top up and pay',
    description: 'Money in and out, with an `Idempotency-Key`: a retry replays the first answer (`Idempotent-Replayed: true`), another body with the same key is 409.',
    steps: [
      {
        name: 'Top up 500000',
        operation: 'post /topup',
        prerequest: ["pm.collectionVariables.set('topUpKey', pm.variables.replaceIn('{{$guid}}'));"],
        headers: [['Idempotency-Key', '{{topUpKey}}']],
        body: { amount: 500000 },
        status: 201,
        test: [
          "pm.test('balance 0 -> 500000', () => pm.expect([body.result.balance_before, body.result.balance_after, body.result.amount_top_up]).to.eql([0, 500000, 500000]));",
          "pm.test('not a replay', () => pm.expect(pm.response.headers.get('Idempotent-Replayed')).to.be.undefined);",
          "pm.collectionVariables.set('topUpId', body.result.top_up_id);",
        ],
      },
      {
        name: 'Retry the top-up with the same key: replayed',
        operation: 'post /topup',
        headers: [['Idempotency-Key', '{{topUpKey}}']],
        body: { amount: 500000 },
        status: 201,
        test: [
          "pm.test('Idempotent-Replayed: true', () => pm.expect(pm.response.headers.get('Idempotent-Replayed')).to.eql('true'));",
          "pm.test('the first answer', () => pm.expect(body.result.top_up_id).to.eql(pm.collectionVariables.get('topUpId')));",
        ],
      },
      {
        name: 'Same key, another amount: 409',
        operation: 'post /topup',
        headers: [['Idempotency-Key', '{{topUpKey}}']],
        body: { amount: 1000 },
        status: 409,
        test: code('IDEMPOTENCY_KEY_REUSED'),
      },
      {
        name: 'Pay 100000',
        operation: 'post /pay',
        headers: [['Idempotency-Key', '{{$guid}}']],
        body: { amount: 100000, remarks: 'Pulsa Telkomsel 100k' },
        status: 201,
        test: [
          "pm.test('balance 500000 -> 400000', () => pm.expect([body.result.balance_before, body.result.balance_after]).to.eql([500000, 400000]));",
          "pm.collectionVariables.set('paymentId', body.result.payment_id);",
        ],
      },
      {
        name: 'Pay more than the balance: 422',
        operation: 'post /pay',
        body: { amount: 400001, remarks: 'Too much' },
        status: 422,
        test: ["pm.test('brief message', () => pm.expect(body.message).to.eql('Balance is not enough'));", ...code('BALANCE_NOT_ENOUGH')],
      },
    ],
  },
  {
    name: '4. Transfer',
    description: 'Find the receiver, transfer (debited at once, 202 PENDING), then poll until the worker credited it (SUCCESS).',
    steps: [
      { name: 'Directory of transfer targets', operation: 'get /users', query: [['limit', '5']], status: 200, test: ["pm.test('a page', () => pm.expect(body.pagination).to.have.all.keys('next_cursor', 'has_more'));"] },
      {
        name: 'Look the receiver up by phone',
        operation: 'get /users/lookup',
        query: [['phone_number', '{{receiverPhone}}']],
        status: 200,
        test: ["pm.test('the receiver', () => pm.expect(body.result.user_id).to.eql(pm.collectionVariables.get('receiverId')));"],
      },
      {
        name: 'Transfer 30000 to the receiver',
        operation: 'post /transfer',
        headers: [['Idempotency-Key', '{{$guid}}']],
        body: { target_user: '{{receiverId}}', amount: 30000, remarks: 'Hadiah Ultah' },
        status: 202,
        test: [
          "pm.test('debited at once, PENDING', () => pm.expect([body.result.balance_before, body.result.balance_after, body.result.status]).to.eql([400000, 370000, 'PENDING']));",
          "pm.collectionVariables.set('transferId', body.result.transfer_id);",
          "pm.collectionVariables.set('transferPolls', '0');",
        ],
      },
      {
        name: 'Wait for the transfer to succeed',
        operation: 'get /transfers/{id}',
        params: { id: '{{transferId}}' },
        status: 200,
        test: [
          '// Polls this request (every 250 ms, up to 120 times) until the worker settles the transfer.',
          "const polls = Number(pm.collectionVariables.get('transferPolls')) + 1;",
          "pm.collectionVariables.set('transferPolls', String(polls));",
          "if (body.result && body.result.status === 'PENDING' && polls < 120) {",
          '  postman.setNextRequest(pm.info.requestName);',
          '  setTimeout(() => {}, 250);',
          '} else {',
          "  pm.test('SUCCESS', () => pm.expect(body.result.status).to.eql('SUCCESS'));",
          '}',
        ],
      },
    ],
  },
  {
    name: '5. Reports',
    description: 'The report, newest first, two entries per page (the cursor is chained), filtered, summed and exported; the receiver sees the CREDIT.',
    steps: [
      {
        name: 'Transactions, first page of 2',
        operation: 'get /transactions',
        query: [['limit', '2']],
        status: 200,
        test: [
          "pm.test('newest first: the transfer, then the payment', () => pm.expect([body.result[0].transfer_id, body.result[1].payment_id]).to.eql([pm.collectionVariables.get('transferId'), pm.collectionVariables.get('paymentId')]));",
          "pm.test('more to come', () => pm.expect(body.pagination.has_more).to.eql(true));",
          "pm.collectionVariables.set('nextCursor', body.pagination.next_cursor);",
        ],
      },
      {
        name: 'Transactions, next page',
        operation: 'get /transactions',
        query: [['limit', '2'], ['cursor', '{{nextCursor}}']],
        status: 200,
        test: [
          "pm.test('the top-up, last', () => pm.expect(body.result.map((e) => e.top_up_id)).to.eql([pm.collectionVariables.get('topUpId')]));",
          "pm.test('no more pages', () => pm.expect(body.pagination).to.eql({ next_cursor: null, has_more: false }));",
        ],
      },
      {
        name: 'Only payments',
        operation: 'get /transactions',
        query: [['type', 'PAYMENT']],
        status: 200,
        test: ["pm.test('one DEBIT payment', () => pm.expect(body.result.map((e) => [e.payment_id, e.transaction_type])).to.eql([[pm.collectionVariables.get('paymentId'), 'DEBIT']]));"],
      },
      {
        name: 'Summary',
        operation: 'get /transactions/summary',
        status: 200,
        test: [
          "pm.test('totals', () => pm.expect([body.result.total_credit, body.result.total_debit, body.result.closing_balance, body.result.count]).to.eql([500000, 130000, 370000, 3]));",
        ],
      },
      {
        name: 'CSV export',
        operation: 'get /transactions/export',
        status: 200,
        test: [
          "pm.test('CSV', () => pm.expect(pm.response.headers.get('Content-Type')).to.include('text/csv'));",
          "pm.test('a header and three rows', () => pm.expect(pm.response.text().trim().split('\\n')).to.have.lengthOf(4));",
        ],
      },
      {
        name: 'Receiver logs in',
        operation: 'post /login',
        body: { phone_number: '{{receiverPhone}}', pin: '{{receiverPin}}' },
        status: 200,
        test: ["pm.collectionVariables.set('receiverAccessToken', body.result.access_token);"],
      },
      {
        name: "Receiver's report: the CREDIT of the transfer",
        operation: 'get /transactions',
        auth: 'receiver',
        status: 200,
        test: [
          "pm.test('CREDIT 30000 with the same transfer_id', () => pm.expect(body.result.map((e) => [e.transfer_id, e.transaction_type, e.amount, e.balance_after])).to.eql([[pm.collectionVariables.get('transferId'), 'CREDIT', 30000, 30000]]));",
        ],
      },
    ],
  },
  {
    name: '6. Holds',
    description: 'Hold money (it leaves the balance at once), read it back, capture part of it (the rest returns), then hold again and void (everything returns).',
    steps: [
      {
        name: 'Hold 50000',
        operation: 'post /holds',
        headers: [['Idempotency-Key', '{{$guid}}']],
        body: { amount: 50000, remarks: 'Cinema seat 7F, Studio 2', expires_in_seconds: 600 },
        status: 201,
        test: [
          "pm.test('held at once, PENDING', () => pm.expect([body.result.balance_before, body.result.balance_after, body.result.status]).to.eql([370000, 320000, 'PENDING']));",
          "pm.collectionVariables.set('holdId', body.result.hold_id);",
        ],
      },
      {
        name: 'Hold more than the balance: 422',
        operation: 'post /holds',
        body: { amount: 320001, remarks: 'Too much' },
        status: 422,
        test: ["pm.test('brief message', () => pm.expect(body.message).to.eql('Balance is not enough'));", ...code('BALANCE_NOT_ENOUGH')],
      },
      {
        name: 'The hold',
        operation: 'get /holds/{id}',
        params: { id: '{{holdId}}' },
        status: 200,
        test: ["pm.test('PENDING, 50000 held', () => pm.expect([body.result.hold_id, body.result.status, body.result.amount]).to.eql([pm.collectionVariables.get('holdId'), 'PENDING', 50000]));"],
      },
      {
        name: 'My pending holds',
        operation: 'get /holds',
        query: [['status', 'PENDING']],
        status: 200,
        test: ["pm.test('the hold', () => pm.expect(body.result.map((h) => h.hold_id)).to.eql([pm.collectionVariables.get('holdId')]));"],
      },
      {
        name: 'Capture 20000 of it',
        operation: 'post /holds/{id}/capture',
        params: { id: '{{holdId}}' },
        headers: [['Idempotency-Key', '{{$guid}}']],
        body: { amount: 20000 },
        status: 200,
        test: ["pm.test('CAPTURED 20000, 30000 released', () => pm.expect([body.result.status, body.result.captured_amount, body.result.released_amount]).to.eql(['CAPTURED', 20000, 30000]));"],
      },
      {
        name: 'Capture again: 409',
        operation: 'post /holds/{id}/capture',
        params: { id: '{{holdId}}' },
        body: { amount: 20000 },
        status: 409,
        test: code('HOLD_ALREADY_CAPTURED'),
      },
      {
        name: 'Hold 10000 more',
        operation: 'post /holds',
        body: { amount: 10000, remarks: 'Ride to the airport' },
        status: 201,
        test: [
          "pm.test('350000 -> 340000', () => pm.expect([body.result.balance_before, body.result.balance_after]).to.eql([350000, 340000]));",
          "pm.collectionVariables.set('voidHoldId', body.result.hold_id);",
        ],
      },
      {
        name: 'Void it',
        operation: 'post /holds/{id}/void',
        params: { id: '{{voidHoldId}}' },
        status: 200,
        test: ["pm.test('VOIDED, all 10000 released', () => pm.expect([body.result.status, body.result.released_amount]).to.eql(['VOIDED', 10000]));"],
      },
      {
        name: 'The hold entries in the report',
        operation: 'get /transactions',
        query: [['type', 'HOLD']],
        status: 200,
        test: [
          "pm.test('debits and releases, with hold_id', () => pm.expect(body.result.map((e) => [e.transaction_type, e.amount, e.status])).to.eql([['CREDIT', 10000, 'SUCCESS'], ['DEBIT', 10000, 'FAILED'], ['CREDIT', 30000, 'SUCCESS'], ['DEBIT', 50000, 'SUCCESS']]));",
          "pm.test('the first hold', () => pm.expect(body.result[3].hold_id).to.eql(pm.collectionVariables.get('holdId')));",
        ],
      },
    ],
  },
  {
    name: '6b. Live events',
    description:
      'GET /events is a Server-Sent Events stream that stays open, which a request runner cannot wait for: the workflow gets a stream ticket and checks the answers that close at once (no token, a malformed cursor, a used ticket). test/e2e/events.e2e-spec.ts reads the stream itself.',
    steps: [
      {
        name: 'A stream ticket for EventSource',
        operation: 'post /events/ticket',
        status: 201,
        test: ["pm.test('valid 30 s', () => pm.expect(body.result.expires_in_seconds).to.eql(30));", "pm.collectionVariables.set('eventTicket', body.result.ticket);"],
      },
      { name: 'Event stream without a token: 401', operation: 'get /events', auth: 'none', status: 401 },
      { name: 'Event stream with a malformed Last-Event-ID: 400', operation: 'get /events', headers: [['Authorization', 'Bearer {{accessToken}}'], ['Last-Event-ID', 'abc']], status: 400 },
      { name: 'Event stream with a malformed cursor and the ticket: 400, ticket used', operation: 'get /events', auth: 'none', query: [['ticket', '{{eventTicket}}'], ['after', 'x']], status: 400 },
      { name: 'The same ticket again: 401 (single use)', operation: 'get /events', auth: 'none', query: [['ticket', '{{eventTicket}}'], ['after', 'x']], status: 401 },
    ],
  },
  {
    name: '7. Profile',
    description: 'Update the profile of the fresh user, change its PIN (every token stops working) and log in with the new PIN.',
    steps: [
      {
        name: 'Update my profile',
        operation: 'put /profile',
        body: { first_name: 'Guntur', last_name: 'Wibowo', address: 'Jl. Merdeka No. 10' },
        status: 200,
        test: ["pm.test('updated', () => pm.expect([body.result.last_name, body.result.address]).to.eql(['Wibowo', 'Jl. Merdeka No. 10']));"],
      },
      {
        name: 'Change my PIN',
        operation: 'put /profile/pin',
        prerequest: ["pm.collectionVariables.set('newPin', String((Number(pm.collectionVariables.get('userPin')) + 1) % 1e6).padStart(6, '0'));"],
        body: { old_pin: '{{userPin}}', new_pin: '{{newPin}}' },
        status: 200,
        test: ["pm.collectionVariables.set('userPin', pm.collectionVariables.get('newPin'));"],
      },
      { name: 'The old token stopped working: 401', operation: 'get /profile', status: 401, test: ["pm.test('brief message', () => pm.expect(body.message).to.eql('Unauthenticated'));"] },
      {
        name: 'Login with the new PIN',
        operation: 'post /login',
        body: { phone_number: '{{userPhone}}', pin: '{{userPin}}' },
        status: 200,
        test: ["pm.collectionVariables.set('accessToken', body.result.access_token);", "pm.collectionVariables.set('refreshToken', body.result.refresh_token);"],
      },
    ],
  },
  {
    name: '8. Refresh and logout',
    description: 'Exchange the refresh token for a new pair (it rotates), then log out: the session ends.',
    steps: [
      {
        name: 'Refresh the tokens',
        operation: 'post /refresh-token',
        body: { refresh_token: '{{refreshToken}}' },
        status: 200,
        test: [
          "pm.test('a new refresh token', () => pm.expect(body.result.refresh_token).to.not.eql(pm.collectionVariables.get('refreshToken')));",
          "pm.collectionVariables.set('accessToken', body.result.access_token);",
          "pm.collectionVariables.set('refreshToken', body.result.refresh_token);",
        ],
      },
      { name: 'Still signed in', operation: 'get /profile', status: 200, test: ["pm.test('balance 350000 (20000 captured by a hold)', () => pm.expect(body.result.balance).to.eql(350000));"] },
      { name: 'Log out', operation: 'post /logout', status: 200 },
      { name: 'Logged out: 401', operation: 'get /profile', status: 401 },
    ],
  },
  {
    name: '9. Admin',
    description: 'Signs in as the configured admin (`adminPhone` / `adminPin`), manages a user it creates, reads the fresh user\'s report and registers, lists and deletes a webhook endpoint.',
    steps: [
      {
        name: 'Admin logs in',
        operation: 'post /login',
        body: { phone_number: '{{adminPhone}}', pin: '{{adminPin}}' },
        status: 200,
        test: ["pm.collectionVariables.set('adminAccessToken', body.result.access_token);"],
      },
      { name: 'An ordinary user may not read a user: 403', operation: 'get /users/{id}', params: { id: '{{userId}}' }, auth: 'receiver', status: 403, test: code('FORBIDDEN') },
      {
        name: 'Create a user',
        operation: 'post /users',
        auth: 'admin',
        prerequest: freshPhoneAndPin('managed'),
        body: { first_name: 'Sari', last_name: 'Lestari', phone_number: '{{managedPhone}}', address: 'Jl. Gatot Subroto No. 5', pin: '{{managedPin}}', role: 'USER' },
        status: 201,
        test: ["pm.collectionVariables.set('managedId', body.result.user_id);"],
      },
      { name: 'Read it', operation: 'get /users/{id}', params: { id: '{{managedId}}' }, auth: 'admin', status: 200, test: ["pm.test('active', () => pm.expect(body.result.status).to.eql('ACTIVE'));"] },
      {
        name: 'Update it',
        operation: 'put /users/{id}',
        params: { id: '{{managedId}}' },
        auth: 'admin',
        body: { address: 'Jl. Thamrin No. 9' },
        status: 200,
        test: ["pm.test('updated', () => pm.expect(body.result.address).to.eql('Jl. Thamrin No. 9'));"],
      },
      { name: 'Freeze its wallet', operation: 'post /users/{id}/freeze', params: { id: '{{managedId}}' }, auth: 'admin', status: 200, test: ["pm.test('frozen', () => pm.expect(body.result.wallet_frozen).to.eql(true));"] },
      { name: 'Unfreeze its wallet', operation: 'post /users/{id}/unfreeze', params: { id: '{{managedId}}' }, auth: 'admin', status: 200, test: ["pm.test('unfrozen', () => pm.expect(body.result.wallet_frozen).to.eql(false));"] },
      { name: 'Deactivate it', operation: 'delete /users/{id}', params: { id: '{{managedId}}' }, auth: 'admin', status: 200, test: ["pm.test('deactivated', () => pm.expect(body.result.status).to.eql('DEACTIVATED'));"] },
      { name: 'List users', operation: 'get /users', auth: 'admin', query: [['limit', '5']], status: 200 },
      {
        name: "The fresh user's transactions",
        operation: 'get /users/{id}/transactions',
        params: { id: '{{userId}}' },
        auth: 'admin',
        status: 200,
        test: ["pm.test('seven entries: top-up, payment, transfer, two holds with their releases', () => pm.expect(body.result).to.have.lengthOf(7));"],
      },
      {
        name: "The fresh user's summary",
        operation: 'get /users/{id}/transactions/summary',
        params: { id: '{{userId}}' },
        auth: 'admin',
        status: 200,
        test: ["pm.test('closing balance', () => pm.expect(body.result.closing_balance).to.eql(350000));"],
      },
      {
        name: "The fresh user's CSV export",
        operation: 'get /users/{id}/transactions/export',
        params: { id: '{{userId}}' },
        auth: 'admin',
        status: 200,
        test: ["pm.test('a header and seven rows', () => pm.expect(pm.response.text().trim().split('\\n')).to.have.lengthOf(8));"],
      },
      { name: 'An ordinary user may not register a webhook: 403', operation: 'post /webhooks', auth: 'receiver', body: { url: 'https://192.0.2.10/dompet-hooks', event_types: ['*'] }, status: 403, test: code('FORBIDDEN') },
      {
        // 192.0.2.0/24 is a documentation range (TEST-NET-1): public for the SSRF guard, never answered, so the
        // deliveries it gets are retried until the endpoint is deleted below.
        name: 'Register a webhook endpoint',
        operation: 'post /webhooks',
        auth: 'admin',
        body: { url: 'https://192.0.2.10/dompet-hooks', event_types: ['transfer.received', 'topup.succeeded'], description: 'Postman workflow' },
        status: 201,
        test: ["pm.test('the signing secret, shown once', () => pm.expect(body.result.secret).to.match(/^whsec_/));", "pm.collectionVariables.set('webhookId', body.result.webhook_id);"],
      },
      { name: 'Register a webhook with an ftp URL: 400', operation: 'post /webhooks', auth: 'admin', body: { url: 'ftp://192.0.2.10/x', event_types: ['*'] }, status: 400, test: code('VALIDATION_FAILED') },
      {
        name: 'List the webhook endpoints',
        operation: 'get /webhooks',
        auth: 'admin',
        status: 200,
        test: [
          "pm.test('lists it', () => pm.expect(body.result.map((w) => w.webhook_id)).to.include(pm.collectionVariables.get('webhookId')));",
          "pm.test('without secrets', () => pm.expect(body.result.every((w) => w.secret === undefined)).to.eql(true));",
        ],
      },
      { name: 'Its delivery log', operation: 'get /webhooks/{id}/deliveries', params: { id: '{{webhookId}}' }, auth: 'admin', query: [['limit', '10']], status: 200 },
      {
        name: 'Redeliver a delivery it never had: 404',
        operation: 'post /webhooks/{id}/deliveries/{deliveryId}/redeliver',
        params: { id: '{{webhookId}}', deliveryId: '{{webhookId}}:{{userId}}:000000000001' },
        auth: 'admin',
        status: 404,
        test: code('WEBHOOK_DELIVERY_NOT_FOUND'),
      },
      { name: 'Delete the webhook endpoint', operation: 'delete /webhooks/{id}', params: { id: '{{webhookId}}' }, auth: 'admin', status: 200, test: ["pm.test('deleted', () => pm.expect(body.result.deleted).to.eql(true));"] },
      { name: 'Delete it again: 404', operation: 'delete /webhooks/{id}', params: { id: '{{webhookId}}' }, auth: 'admin', status: 404, test: code('WEBHOOK_NOT_FOUND') },
      { name: 'Admin logs out', operation: 'post /logout', auth: 'admin', status: 200 },
    ],
  },
];

/* eslint-disable @typescript-eslint/no-explicit-any */
type Schema = Record<string, any>;

function resolveRef(document: OpenAPIObject, schema: Schema | undefined): Schema | undefined {
  let s = schema;
  for (let i = 0; s?.$ref && i < 10; i++) s = (document.components?.schemas as Record<string, Schema>)[String(s.$ref).split('/').pop()!];
  return s;
}

/** The fields the documented success answer's `result` (or each of its items) must have. */
function requiredResultFields(document: OpenAPIObject, step: Step): { array: boolean; fields: string[] } | undefined {
  const [method, path] = step.operation.split(' ');
  const response = (document.paths[path] as any)?.[method]?.responses?.[String(step.status)];
  const schema = resolveRef(document, response?.content?.['application/json']?.schema);
  const result = resolveRef(document, schema?.properties?.result);
  if (!result) return undefined;
  const array = result.type === 'array';
  const item = array ? resolveRef(document, result.items) : result;
  // A union (oneOf): the fields every variant has.
  const variants = item?.oneOf ? (item.oneOf as Schema[]).map((v) => resolveRef(document, v) ?? {}) : [item ?? {}];
  const fields = variants.map((v) => (v.required ?? []) as string[]).reduce((a, b) => a.filter((f) => b.includes(f)));
  return { array, fields };
}

function testScript(document: OpenAPIObject, step: Step): string[] {
  const lines = [
    `pm.test('status ${step.status}', () => pm.response.to.have.status(${step.status}));`,
    "const body = (pm.response.headers.get('Content-Type') || '').includes('application/json') ? pm.response.json() : {};",
  ];
  const shape = requiredResultFields(document, step);
  if (shape) {
    const keys = JSON.stringify(shape.fields);
    lines.push(
      shape.array
        ? `pm.test('documented shape: {status, result: [entries with ${shape.fields.length} fields], pagination?}', () => { pm.expect(body.status).to.eql('SUCCESS'); pm.expect(body.result).to.be.an('array'); body.result.forEach((e) => pm.expect(e).to.include.all.keys(${keys})); });`
        : `pm.test('documented shape: {status, result with ${shape.fields.length} fields}', () => { pm.expect(body.status).to.eql('SUCCESS'); pm.expect(body.result).to.include.all.keys(${keys}); });`,
    );
  } else if (step.status >= 400) {
    lines.push("pm.test('error envelope', () => { pm.expect(body.message).to.be.a('string'); pm.expect(body.code).to.match(/^[A-Z][A-Z0-9_]*$/); });");
  }
  return [...lines, ...(step.test ?? [])];
}

function requestOf(document: OpenAPIObject, step: Step) {
  const [method, path] = step.operation.split(' ');
  const operation = (document.paths[path] as any)?.[method];
  if (!operation) throw new Error(`Postman workflow step "${step.name}" calls ${step.operation}, which the document does not have`);
  const protectedRoute = Boolean(operation.security?.length);
  const auth: Auth = step.auth ?? (protectedRoute ? 'user' : 'none');
  const segments = path
    .split('/')
    .filter(Boolean)
    .map((s) => s.replace(/^\{(\w+)\}$/, (_, name: string) => step.params?.[name] ?? `{{${name}}}`));
  const query = step.query ?? [];
  const raw = `{{baseUrl}}/${segments.join('/')}${query.length ? `?${query.map(([k, v]) => `${k}=${v}`).join('&')}` : ''}`;
  const token = { user: '{{accessToken}}', receiver: '{{receiverAccessToken}}', admin: '{{adminAccessToken}}' };
  return {
    method: method.toUpperCase(),
    header: [
      ...(step.body !== undefined ? [{ key: 'Content-Type', value: 'application/json' }] : []),
      ...(step.headers ?? []).map(([key, value]) => ({ key, value })),
    ],
    ...(step.body !== undefined ? { body: { mode: 'raw', raw: JSON.stringify(step.body, null, 2), options: { raw: { language: 'json' } } } } : {}),
    url: { raw, host: ['{{baseUrl}}'], path: segments, ...(query.length ? { query: query.map(([key, value]) => ({ key, value })) } : {}) },
    // Protected routes inherit the collection's bearer (the fresh user's token) unless the step signs as someone else.
    ...(auth === 'none' ? { auth: { type: 'noauth' } } : auth === 'user' ? {} : { auth: { type: 'bearer', bearer: [{ key: 'token', value: token[auth], type: 'string' }] } }),
    description: `${operation.summary} (\`${step.operation}\`, operationId \`${operation.operationId}\`)`,
  };
}

/** The Postman collection (v2.1) of the workflow, deterministic for a given document. */
export function createWorkflowCollection(document: OpenAPIObject) {
  const script = (lines: string[]) => ({ type: 'text/javascript', exec: lines });
  return {
    info: {
      // Postman keeps a collection's identity across imports by this id: derive it from the title.
      _postman_id: uuidFrom(`${document.info.title} workflow`),
      name: `${document.info.title} — workflow`,
      description:
        'A test suite that walks the API as a user lives it: a fresh user registers, logs in, tops up, pays, transfers to a second fresh user ' +
        'and waits for SUCCESS, reads the paged report, updates the profile, refreshes and logs out; then the configured admin manages a user. ' +
        'Run it in order (Collection Runner or `npm run postman -- --base-url <url>`). Set `baseUrl`, `adminPhone` and `adminPin` ' +
        '(postman/local.postman_environment.json has the values of `npm run start:local`). Generated by `npm run openapi:export`.',
      schema: 'https://schema.getpostman.com/json/collection/v2.1.0/collection.json',
    },
    auth: { type: 'bearer', bearer: [{ key: 'token', value: '{{accessToken}}', type: 'string' }] },
    event: [
      {
        listen: 'test',
        script: script(["pm.test('no server error', () => pm.expect(pm.response.code).to.be.below(500));"]),
      },
    ],
    item: FOLDERS.map((folder) => ({
      name: folder.name,
      description: folder.description,
      item: folder.steps.map((step) => ({
        name: step.name,
        event: [
          ...(step.prerequest ? [{ listen: 'prerequest', script: script(step.prerequest) }] : []),
          { listen: 'test', script: script(testScript(document, step)) },
        ],
        request: requestOf(document, step),
      })),
    })),
    variable: [
      { key: 'baseUrl', value: DEFAULT_PUBLIC_BASE_URL, type: 'string', description: 'Where the API listens (`npm run start:local` serves http://127.0.0.1:3000)' },
      { key: 'adminPhone', value: '081100000000', type: 'string', description: 'ADMIN_PHONE of the server (the default, and example_data)' },
      { key: 'adminPin', value: '246810', type: 'string', description: 'ADMIN_PIN of the server (the development default)' },
      ...['userPhone', 'userPin', 'userId', 'receiverPhone', 'receiverPin', 'receiverId', 'accessToken', 'refreshToken', 'receiverAccessToken', 'adminAccessToken'].map((key) => ({
        key,
        value: '',
        type: 'string',
        description: 'Set by the requests while the collection runs',
      })),
    ],
  };
}

/** Every `method path` the workflow calls, for the coverage check. */
export function workflowOperations(): string[] {
  return [...new Set(FOLDERS.flatMap((f) => f.steps.map((s) => s.operation)))];
}

/** The environment file for `npm run start:local`. */
export function createLocalEnvironment() {
  return {
    id: uuidFrom('Dompet local environment'),
    name: 'Dompet local (npm run start:local)',
    values: [
      { key: 'baseUrl', value: DEFAULT_PUBLIC_BASE_URL, type: 'default', enabled: true },
      { key: 'adminPhone', value: '081100000000', type: 'default', enabled: true },
      { key: 'adminPin', value: '246810', type: 'secret', enabled: true },
    ],
    _postman_variable_scope: 'environment',
  };
}

function uuidFrom(text: string): string {
  const h = createHash('sha256').update(text).digest('hex');
  return `${h.slice(0, 8)}-${h.slice(8, 12)}-4${h.slice(13, 16)}-8${h.slice(17, 20)}-${h.slice(20, 32)}`;
}
