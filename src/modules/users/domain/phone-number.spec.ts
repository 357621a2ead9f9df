import { isNationalPhone, maskPhone, normalisePhone } from './phone-number';

describe('normalisePhone', () => {
  it.each([
    ['0811255501', '0811255501'],
    ['+62811255501', '0811255501'],
    ['62811255501', '0811255501'],
    [' +62 811-2555-01 ', '0811255501'],
    ['0811.2555.01', '0811255501'],
    ['081234567890', '081234567890'],
    ['0812345678901', '0812345678901'],
    ['089123456789', '089123456789'],
    ['+62 852-1234-5678', '085212345678'],
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
    ['a toll-free number', '0800123456'],
    ['an unallocated 084 prefix', '084012345678'],
    ['a landline spelled 62…', '62211255501'],
    ['parentheses', '(0811) 255501'],
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

describe('isNationalPhone', () => {
  it('is true for the stored form only', () => {
    expect(isNationalPhone('0811255501')).toBe(true);
    expect(isNationalPhone('+62811255501')).toBe(false);
    expect(isNationalPhone('0811-255-501')).toBe(false);
    expect(isNationalPhone('0840123456')).toBe(false);
    expect(isNationalPhone(811255501)).toBe(false);
  });
});

describe('maskPhone', () => {
  it('keeps the first four and last three digits', () => {
    expect(maskPhone('0811255501')).toBe('0811***501');
    expect(maskPhone('08112555011')).toBe('0811****011');
    expect(maskPhone('0812345678901')).toBe('0812******901');
  });
});
