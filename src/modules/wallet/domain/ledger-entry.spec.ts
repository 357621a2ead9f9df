import { NO_TOTALS, RunningTotals, runningAfter, storedTotals, totalsNumbers, totalsOf } from './ledger-entry';

describe('stored running totals', () => {
  const totals: RunningTotals = runningAfter(runningAfter(NO_TOTALS, { entry_type: 'TOP_UP', transaction_type: 'CREDIT', amount: 900_000 }), {
    entry_type: 'PAYMENT',
    transaction_type: 'DEBIT',
    amount: 250_000,
  });

  it('are stored as one string of their numbers, and read back', () => {
    expect(storedTotals(totals)).toBe('900000,250000,1,1,0,0,0,0,0');
    expect(totalsOf(storedTotals(totals))).toEqual(totals);
    expect(totalsOf(storedTotals(NO_TOTALS))).toEqual(NO_TOTALS);
  });

  it('are read from the arrays stored before (nine numbers, or seven before holds)', () => {
    expect(totalsOf(totalsNumbers(totals))).toEqual(totals);
    expect(totalsOf([900_000, 250_000, 1, 1, 0, 0, 0])).toEqual(totals);
  });

  it.each<[string, unknown]>([
    ['an empty string', ''],
    ['too few numbers', '1,2,3'],
    ['too many numbers', '1,2,3,4,5,6,7,8,9,10'],
    ['an empty number', '900000,,1,1,0,0,0,0,0'],
    ['a negative number', '900000,-1,1,1,0,0,0,0,0'],
    ['a fraction', '900000,2.5,1,1,0,0,0,0,0'],
    ['spaces', '900000, 250000,1,1,0,0,0,0,0'],
    ['a number past the safe integers', '9007199254740993,0,1,0,0,0,0,0,0'],
    ['an array of the wrong length', [1, 2, 3]],
    ['an array holding a string', [900_000, '250000', 1, 1, 0, 0, 0, 0, 0]],
    ['null', null],
    ['an object', { credit: 1 }],
  ])('are none when the stored value is %s', (_, stored) => {
    expect(totalsOf(stored as string)).toBeUndefined();
  });
});
