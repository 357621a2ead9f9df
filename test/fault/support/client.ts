import { randomPin, uniquePhone } from '../../support/users';

/** A user as seen from outside: registered and logged in through the HTTP API. */
export interface Account {
  userId: string;
  phone: string;
  token: string;
}

export interface Reply {
  status: number;
  body: any;
}

/** One HTTP call with a JSON body; never throws on a status, only on a transport error. */
export async function call(baseUrl: string, method: string, path: string, options: { token?: string; body?: unknown } = {}): Promise<Reply> {
  const headers: Record<string, string> = {};
  if (options.token) headers.Authorization = `Bearer ${options.token}`;
  if (options.body !== undefined) headers['Content-Type'] = 'application/json';
  const res = await fetch(`${baseUrl}${path}`, { method, headers, body: options.body === undefined ? undefined : JSON.stringify(options.body) });
  return { status: res.status, body: replyBody(await res.text()) };
}

/** A response body as JSON, or as its text when it is not JSON. */
export function replyBody(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return text;
  }
}

async function expectStatus(reply: Promise<Reply>, status: number, what: string): Promise<any> {
  const r = await reply;
  if (r.status !== status) throw new Error(`${what} answered ${r.status}: ${JSON.stringify(r.body)}`);
  return r.body.result;
}

export async function login(baseUrl: string, phone: string, pin: string): Promise<string> {
  const result = await expectStatus(call(baseUrl, 'POST', '/login', { body: { phone_number: phone, pin } }), 200, 'POST /login');
  return result.access_token as string;
}

/** Registers, logs in and (when `topUp` > 0) tops up a new user through the API. */
export async function createAccount(baseUrl: string, topUp = 0, firstName = 'Fault'): Promise<Account> {
  const phone = uniquePhone();
  const pin = randomPin();
  const body = { first_name: firstName, last_name: 'Test', phone_number: phone, address: 'Jl. Thamrin No. 10, Jakarta', pin };
  const user = await expectStatus(call(baseUrl, 'POST', '/register', { body }), 201, 'POST /register');
  const token = await login(baseUrl, phone, pin);
  if (topUp > 0) await expectStatus(call(baseUrl, 'POST', '/topup', { token, body: { amount: topUp } }), 201, 'POST /topup');
  return { userId: user.user_id as string, phone, token };
}

export function transfer(baseUrl: string, from: Account, to: Account, amount: number, remarks = 'fault test'): Promise<Reply> {
  return call(baseUrl, 'POST', '/transfer', { token: from.token, body: { target_user: to.userId, amount, remarks } });
}

/** The balance `GET /profile` shows the user. */
export async function balanceOf(baseUrl: string, account: Account): Promise<number> {
  return (await expectStatus(call(baseUrl, 'GET', '/profile', { token: account.token }), 200, 'GET /profile')).balance as number;
}

/** Runs `fn` over `items` with at most `limit` calls in flight; results keep the order of `items`. */
export async function mapLimit<T, R>(items: readonly T[], limit: number, fn: (item: T, index: number) => Promise<R>): Promise<R[]> {
  const results = new Array<R>(items.length);
  let next = 0;
  await Promise.all(
    Array.from({ length: Math.min(limit, items.length) }, async () => {
      while (next < items.length) {
        const i = next++;
        results[i] = await fn(items[i], i);
      }
    }),
  );
  return results;
}
