import { maskPhone, normalisePhone } from './phone-number';

describe('normalisePhone', () => {
  it.each([
    ['0811255501', '0811255501'],
    ['+62811255501', '0811255501'],
    ['62811255501', '0811255501'],
    [' +62 811-2555-01 ', '0811255501'],
    ['0811.2555.01', '0811255501'],
    ['081234567890', '081234567890'],
    ['0812345678901', '0812345678901'],
  ])('%s → %s', (input, expected) => {
    expect(normalisePhone(input)).toBe(expected);
  });

  it.each([
    ['a landline', '0211255501'],
    ['too short', '081125550'],
    ['too long', '08123456789012'],
    ['letters', '08112555ab'],
    ['another country', '+6581125550'],
    ['no leading zero', '811255501'],
    ['a double prefix', '+620811255501'],
    ['empty', ''],
  ])('refuses %s', (_label, input) => {
    expect(normalisePhone(input)).toBeNull();
  });

  it('refuses non-strings and absurdly long input', () => {
    expect(normalisePhone(811255501)).toBeNull();
    expect(normalisePhone(null)).toBeNull();
    expect(normalisePhone(`08${'1'.repeat(100)}`)).toBeNull();
  });
});

describe('maskPhone', () => {
  it('keeps the first four and last three digits', () => {
    expect(maskPhone('0811255501')).toBe('0811***501');
    expect(maskPhone('08112555011')).toBe('0811****011');
    expect(maskPhone('0812345678901')).toBe('0812******901');
  });
});
