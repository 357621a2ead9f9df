import type { TestApp } from './test-app';
import type { TestUser } from './users';

/** Polls `GET /transfers/:id` as `u` until the transfer leaves PENDING; returns its final view. */
export async function waitForSettled(t: TestApp, u: TestUser, id: string, timeoutMs = 20000) {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const res = await t.http().get(`/transfers/${id}`).set(u.auth).expect(200);
    if (res.body.result.status !== 'PENDING') return res.body.result;
    if (Date.now() > deadline) throw new Error(`transfer ${id} still PENDING`);
    await new Promise((r) => setTimeout(r, 50));
  }
}
