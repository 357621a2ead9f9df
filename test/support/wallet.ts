import { LedgerService } from '../../src/modules/wallet/ledger/ledger.service';
import type { TestApp } from './test-app';
import type { TestUser } from './users';

/**
 * The user's balance: read from the ledger itself in-process, from `GET /profile` in black-box mode
 * (the only place a client sees it).
 */
export async function balanceOf(t: TestApp, u: TestUser): Promise<number> {
  if (t.inProcess) return (await t.app.get(LedgerService).balanceOf(u.userId)).balance;
  const res = await t.http().get('/profile').set(u.auth);
  if (res.status !== 200) throw new Error(`GET /profile answered ${res.status}: ${JSON.stringify(res.body)}`);
  return res.body.result.balance as number;
}
