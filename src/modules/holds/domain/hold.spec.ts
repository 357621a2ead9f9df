import { NO_TOTALS, runningAfter, storedTotals, totalsOf } from '../../wallet';
import { captureAnswer, claimAt, holdDebit, holdOpId, holdRelease, settlementOf, statusOf, voidAnswer } from './hold';

describe('holds: pure rules', () => {
  const hold = { _id: 'h1', user_id: 'u1', amount: 150000, remarks: 'Cinema' };

  it('gives each leg one operation id, so each lands at most once', () => {
    expect(holdOpId('h1', 'DEBIT')).toBe('HOLD:h1:DEBIT');
    expect(holdOpId('h1', 'RELEASE')).toBe('HOLD:h1:RELEASE');
    expect(holdDebit(hold)).toMatchObject({ opId: 'HOLD:h1:DEBIT', walletId: 'u1', entryType: 'HOLD', direction: 'DEBIT', amount: 150000, refId: 'h1', status: 'PENDING' });
    expect(holdRelease(hold, 30000)).toMatchObject({ opId: 'HOLD:h1:RELEASE', walletId: 'u1', entryType: 'HOLD_RELEASE', direction: 'CREDIT', amount: 30000, remarks: 'Release: Cinema' });
  });

  it('splits a decided hold into captured and released money that add up to the held amount', () => {
    expect(settlementOf(150000, { outcome: 'CAPTURED', captured_amount: 120000 })).toEqual({ captured: 120000, release: 30000 });
    expect(settlementOf(150000, { outcome: 'CAPTURED', captured_amount: 150000 })).toEqual({ captured: 150000, release: 0 });
    for (const outcome of ['VOIDED', 'EXPIRED', 'REJECTED'] as const) {
      expect(settlementOf(150000, { outcome, captured_amount: 99 })).toEqual({ captured: 0, release: 150000 });
    }
  });

  it('lets a client claim its own outcome only before expires_at', () => {
    const expires = new Date('2026-11-27T10:00:00Z');
    expect(claimAt(new Date('2026-11-27T09:59:59.999Z'), expires, 'CAPTURED')).toBe('CAPTURED');
    expect(claimAt(expires, expires, 'CAPTURED')).toBe('EXPIRED');
    expect(claimAt(new Date('2026-11-27T10:00:01Z'), expires, 'VOIDED')).toBe('EXPIRED');
  });

  it('answers a capture from the outcome that exists', () => {
    const captured = { outcome: 'CAPTURED' as const, captured_amount: 5, op_id: 'op-1' };
    expect(captureAnswer(captured, 'op-1')).toBe('OK');
    expect(captureAnswer(captured, 'op-2')).toBe('ALREADY_CAPTURED');
    expect(captureAnswer({ outcome: 'VOIDED', captured_amount: 0, op_id: null }, 'op-1')).toBe('VOIDED');
    expect(captureAnswer({ outcome: 'EXPIRED', captured_amount: 0, op_id: null }, 'op-1')).toBe('EXPIRED');
    expect(voidAnswer({ outcome: 'VOIDED', captured_amount: 0, op_id: null })).toBe('OK');
    expect(voidAnswer(captured)).toBe('ALREADY_CAPTURED');
    expect(voidAnswer({ outcome: 'EXPIRED', captured_amount: 0, op_id: null })).toBe('EXPIRED');
    expect(statusOf('REJECTED', true)).toBe('EXPIRED');
    expect(statusOf('REJECTED', false)).toBe('REJECTED');
  });

  it('reads running totals stored before holds existed (7 numbers) with no holds, and adds hold entries to them', () => {
    const legacy = [500000, 100000, 1, 1, 0, 0, 0];
    const before = totalsOf(legacy)!;
    expect(before.counts).toMatchObject({ TOP_UP: 1, PAYMENT: 1, HOLD: 0, HOLD_RELEASE: 0 });
    const after = runningAfter(runningAfter(before, { entry_type: 'HOLD', transaction_type: 'DEBIT', amount: 150000 }), {
      entry_type: 'HOLD_RELEASE',
      transaction_type: 'CREDIT',
      amount: 30000,
    });
    expect(storedTotals(after)).toBe('530000,250000,1,1,0,0,0,1,1');
    expect(totalsOf(storedTotals(after))).toEqual(after);
    expect(storedTotals(NO_TOTALS).split(',')).toHaveLength(9);
    expect(totalsOf([1, 2, 3])).toBeUndefined();
  });
});
