import { BalanceLimitExceededError, BalanceNotEnoughError } from '../../../src/modules/wallet/domain/wallet.errors';
import type { Posting } from '../../../src/modules/wallet/ledger/ledger.service';
import { Faults, SimulatedFault } from './faults';
import { DuplicateKeyError, InMemoryLedger } from './in-memory-ledger';

/** The in-memory ledger keeps the rules the transfer tests rely on (those of LedgerService). */
describe('InMemoryLedger', () => {
  let faults: Faults;
  let ledger: InMemoryLedger;
  const posting = (over: Partial<Posting>): Posting => ({ opId: 'op', walletId: 'w', entryType: 'TOP_UP', direction: 'CREDIT', amount: 100, refId: 'r', ...over });
  beforeEach(() => {
    faults = new Faults();
    ledger = new InMemoryLedger(1_000, faults);
  });

  it('an op id is applied once: a second insert fails like a duplicate key, a second post returns the first entry', async () => {
    const first = await ledger.post(posting({}));
    expect(() => ledger.insert({ ...first, _id: 'w:other' })).toThrow(DuplicateKeyError);
    await expect(ledger.post(posting({}))).resolves.toEqual(first);
    expect(ledger.balance('w')).toBe(100);
    expect(ledger.chain('w')).toHaveLength(1);
  });

  it('refuses a debit below 0 and a credit above the maximum balance', async () => {
    await ledger.post(posting({ amount: 900 }));
    await expect(ledger.post(posting({ opId: 'd', direction: 'DEBIT', entryType: 'PAYMENT', amount: 901 }))).rejects.toBeInstanceOf(BalanceNotEnoughError);
    await expect(ledger.post(posting({ opId: 'c', amount: 101 }))).rejects.toBeInstanceOf(BalanceLimitExceededError);
    await expect(ledger.post(posting({ opId: 'c2', amount: 100 }))).resolves.toMatchObject({ balance_before: 900, balance_after: 1_000 });
  });

  it('a refused posting that may exist returns the entry of its operation (as LedgerService does), else refuses', async () => {
    const first = await ledger.post(posting({ amount: 1_000 }));
    await expect(ledger.post(posting({ mayExist: true }))).resolves.toEqual(first);
    await expect(ledger.post(posting({}))).rejects.toBeInstanceOf(BalanceLimitExceededError);
  });

  it('a lost acknowledgement: the insert landed, the caller got an error; posting again finds it', async () => {
    faults.failOn('ledger.post', 1, 'after');
    await expect(ledger.post(posting({}))).rejects.toBeInstanceOf(SimulatedFault);
    expect(ledger.balance('w')).toBe(100);
    await ledger.post(posting({ mayExist: true }));
    expect(ledger.chain('w')).toHaveLength(1);
  });
});
