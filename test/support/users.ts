import { randomInt } from 'node:crypto';
import type { TestApp } from './test-app';

/** What `newUser()` gives a test: the registered person, a fresh session and ready-made headers. */
export interface TestUser {
  userId: string;
  phone: string;
  pin: string;
  firstName: string;
  lastName: string;
  accessToken: string;
  refreshToken: string;
  auth: { Authorization: string };
}

export interface RegisterInput {
  first_name: string;
  last_name: string;
  phone_number: string;
  address: string;
  pin: string;
}

const used = new Set<string>();

/** A valid Indonesian mobile number in national form (`089…`, 12 digits), unique within this test process. */
export function uniquePhone(): string {
  for (;;) {
    const phone = `089${randomInt(0, 1_000_000_000).toString().padStart(9, '0')}`;
    if (!used.has(phone)) {
      used.add(phone);
      return phone;
    }
  }
}

/** A 6-digit PIN that is different on every call (tests never depend on a fixed PIN). */
export function randomPin(): string {
  return randomInt(0, 1_000_000).toString().padStart(6, '0');
}

/** Registers a user through `POST /register` and fails loudly when that does not answer 201. */
export async function registerUser(
  t: TestApp,
  overrides: Partial<RegisterInput> = {},
): Promise<{ userId: string; phone: string; pin: string; input: RegisterInput; result: Record<string, unknown> }> {
  const input: RegisterInput = {
    first_name: 'Budi',
    last_name: 'Santoso',
    phone_number: uniquePhone(),
    address: 'Jl. Kebon Sirih No. 1, Jakarta',
    pin: randomPin(),
    ...overrides,
  };
  const res = await t.http().post('/register').send(input);
  if (res.status !== 201) {
    throw new Error(`POST /register answered ${res.status}: ${JSON.stringify(res.body)}`);
  }
  const result = res.body.result as Record<string, unknown>;
  return { userId: result.user_id as string, phone: result.phone_number as string, pin: input.pin, input, result };
}

/** Logs in through `POST /login` and fails loudly when that does not answer 200. */
export async function login(t: TestApp, phone: string, pin: string): Promise<{ accessToken: string; refreshToken: string; auth: { Authorization: string } }> {
  const res = await t.http().post('/login').send({ phone_number: phone, pin });
  if (res.status !== 200) {
    throw new Error(`POST /login answered ${res.status}: ${JSON.stringify(res.body)}`);
  }
  const { access_token: accessToken, refresh_token: refreshToken } = res.body.result as { access_token: string; refresh_token: string };
  return { accessToken, refreshToken, auth: bearer(accessToken) };
}

/** `{ Authorization: 'Bearer <token>' }`, for `.set(...)`. */
export function bearer(accessToken: string): { Authorization: string } {
  return { Authorization: `Bearer ${accessToken}` };
}

/** Registers and logs in a new ordinary user. */
export async function newUser(t: TestApp, overrides: Partial<RegisterInput> = {}): Promise<TestUser> {
  const registered = await registerUser(t, overrides);
  const session = await login(t, registered.phone, registered.pin);
  return {
    userId: registered.userId,
    phone: registered.phone,
    pin: registered.pin,
    firstName: registered.input.first_name,
    lastName: registered.input.last_name,
    accessToken: session.accessToken,
    refreshToken: session.refreshToken,
    auth: session.auth,
  };
}

/** Logs in as the administrator the service creates at boot from `ADMIN_PHONE` / `ADMIN_PIN`. */
export async function adminAuth(t: TestApp): Promise<{ Authorization: string }> {
  return (await login(t, t.config.adminPhone, t.config.adminPin)).auth;
}
