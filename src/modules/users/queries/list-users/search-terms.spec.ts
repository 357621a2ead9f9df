import { decodeUserCursor, encodeUserCursor } from '../../domain/user-cursor';
import { searchTerms } from './search-terms';

describe('searchTerms', () => {
  it('splits words; only admins search phone digits, in the stored national form', () => {
    expect(searchTerms('  budi  santoso ', true)).toEqual([{ name: 'budi' }, { name: 'santoso' }]);
    expect(searchTerms('+62811255501', true)).toEqual([{ name: '+62811255501', phoneDigits: '0811255501' }]);
    expect(searchTerms('+62811', true)).toEqual([{ name: '+62811', phoneDigits: '0811' }]);
    expect(searchTerms('2555', true)).toEqual([{ name: '2555', phoneDigits: '2555' }]);
    expect(searchTerms('2555', false)).toEqual([{ name: '2555' }]);
    expect(searchTerms(undefined, true)).toEqual([]);
    expect(searchTerms('a b c d e f g', true)).toHaveLength(5);
  });
});

describe('user cursor', () => {
  it('round-trips a user id and refuses anything else', () => {
    const id = '0193a4c2-5d1e-7b2a-9c3d-4e5f6a7b8c9d';
    expect(decodeUserCursor(encodeUserCursor(id))).toBe(id);
    expect(decodeUserCursor(undefined)).toBeNull();
    expect(() => decodeUserCursor('garbage')).toThrow('cursor');
    expect(() => decodeUserCursor(Buffer.from('{"after":"x"}').toString('base64url'))).toThrow('cursor');
  });
});
