import { AccountLockedError, describeDuration } from './auth.errors';

describe('describeDuration', () => {
  it.each([
    [899, '14 minutes 59 seconds'],
    [900, '15 minutes'],
    [61, '1 minute 1 second'],
    [1, '1 second'],
    [3725, '1 hour 2 minutes 5 seconds'],
    [0.2, '1 second'],
  ])('%s s → %s', (seconds, words) => {
    expect(describeDuration(seconds)).toBe(words);
  });
});

describe('AccountLockedError', () => {
  it('carries the message of the contract, code, 423 and retry_after_seconds', () => {
    const error = new AccountLockedError(898.2);
    expect(error.message).toBe('Too many wrong PINs. Try again in 14 minutes 59 seconds.');
    expect(error.code).toBe('ACCOUNT_LOCKED');
    expect(error.status).toBe(423);
    expect(error.details).toEqual({ retry_after_seconds: 899 });
  });
});
