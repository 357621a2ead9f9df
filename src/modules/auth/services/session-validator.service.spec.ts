import type Redis from 'ioredis';
import { UnauthenticatedError } from '../../../common/errors';
import type { AppConfig } from '../../../config/app-config';
import type { CacheRepairs } from '../../../infrastructure/cache-repairs';
import { RedisKeys } from '../../../infrastructure/redis.module';
import { UserAuthStateCache } from '../../users';
import type { UserRecord, UsersRepository } from '../../users';
import { SessionStateCache } from '../persistence/session-state.cache';
import type { SessionsRepository } from '../persistence/sessions.repository';
import { SessionValidator } from './session-validator.service';
import type { AccessClaims } from './token.service';

const USER_ID = '0193a4c2-5d1e-7b2a-9c3d-4e5f6a7b8c9d';
const SESSION_ID = '0193a4c2-5d1e-7b2a-9c3d-000000000001';
const config = { redisPrefix: 'unit', sessionCacheSeconds: 60, accessTokenTtlSeconds: 300 } as AppConfig;
const claims: AccessClaims = { sub: USER_ID, role: 'USER', sid: SESSION_ID, ver: 2, typ: 'access' };

function user(overrides: Partial<UserRecord> = {}): UserRecord {
  return { _id: USER_ID, status: 'ACTIVE', token_version: 2, role: 'USER', ...overrides } as UserRecord;
}

function setup(options: { status?: string; mget?: () => Promise<(string | null)[]>; record?: UserRecord | null; session?: unknown } = {}) {
  const redis = {
    status: options.status ?? 'ready',
    mget: jest.fn(options.mget ?? (async () => [null, null])),
    set: jest.fn(async () => 'OK'),
  };
  const users = { findById: jest.fn(async () => (options.record === undefined ? user() : options.record)) };
  const sessions = {
    findSession: jest.fn(async () => (options.session === undefined ? { _id: SESSION_ID, user_id: USER_ID, revoked_at: null } : options.session)),
  };
  const keys = new RedisKeys(config);
  // Copies are trusted whenever Redis is connected (CacheRepairs has nothing left to repair).
  const repairs = { trusted: () => redis.status === 'ready' } as unknown as CacheRepairs;
  const cache = new UserAuthStateCache(redis as unknown as Redis, keys, config, repairs);
  const sessionStates = new SessionStateCache(redis as unknown as Redis, keys, config, repairs, sessions as unknown as SessionsRepository);
  const validator = new SessionValidator(
    redis as unknown as Redis,
    cache,
    users as unknown as UsersRepository,
    sessions as unknown as SessionsRepository,
    sessionStates,
    repairs,
  );
  return { validator, redis, users, sessions };
}

describe('SessionValidator', () => {
  it('answers from one MGET when the user state and the session state are cached', async () => {
    const { validator, redis, users, sessions } = setup({ mget: async () => ['ACTIVE|2|ADMIN', 'OPEN'] });
    await expect(validator.validate(claims)).resolves.toEqual({ userId: USER_ID, role: 'ADMIN', sessionId: SESSION_ID });
    expect(redis.mget).toHaveBeenCalledTimes(1);
    expect(redis.mget).toHaveBeenCalledWith(`unit:users:auth-state:${USER_ID}`, `unit:auth:session:${SESSION_ID}`);
    expect(users.findById).not.toHaveBeenCalled();
    expect(sessions.findSession).not.toHaveBeenCalled();
  });

  it.each([
    ['frozen', 'ACTIVE|2|USER|1', true],
    ['not frozen', 'ACTIVE|2|USER|0', false],
    ['not known (a copy written before the flag was cached)', 'ACTIVE|2|USER', undefined],
  ])('hands the payment the wallet flag of the cached copy: %s', async (_what, copy, walletFrozen) => {
    const { validator, users } = setup({ mget: async () => [copy, 'OPEN'] });
    const principal = await validator.validate(claims);
    expect(principal.walletFrozen).toBe(walletFrozen);
    expect(users.findById).not.toHaveBeenCalled();
  });

  it('on a cache miss reads the user and the session by _id and fills both entries without overwriting (NX)', async () => {
    const { validator, redis, users, sessions } = setup();
    await expect(validator.validate(claims)).resolves.toMatchObject({ userId: USER_ID, role: 'USER' });
    expect(users.findById).toHaveBeenCalledWith(USER_ID);
    expect(sessions.findSession).toHaveBeenCalledWith(SESSION_ID);
    expect(redis.set).toHaveBeenCalledWith(`unit:users:auth-state:${USER_ID}`, 'ACTIVE|2|USER|0', 'EX', 60, 'NX');
    expect(redis.set).toHaveBeenCalledWith(`unit:auth:session:${SESSION_ID}`, 'OPEN', 'EX', 60, 'NX');
  });

  it('reads only what is missing: a cached user with a missing session state costs one session read', async () => {
    const { validator, users, sessions } = setup({ mget: async () => ['ACTIVE|2|USER', null] });
    await expect(validator.validate(claims)).resolves.toMatchObject({ userId: USER_ID });
    expect(users.findById).not.toHaveBeenCalled();
    expect(sessions.findSession).toHaveBeenCalledWith(SESSION_ID);
  });

  it('treats a lost cache entry as unknown, not as open: a session revoked in MongoDB stays revoked (Redis flushed)', async () => {
    const revokedAt = new Date();
    const { validator, redis } = setup({
      mget: async () => [null, null],
      session: { _id: SESSION_ID, user_id: USER_ID, revoked_at: revokedAt, revoked_reason: 'LOGOUT' },
    });
    await expect(validator.validate(claims)).rejects.toBeInstanceOf(UnauthenticatedError);
    // ...and the revocation is cached again, for one access-token lifetime plus slack.
    expect(redis.set).toHaveBeenCalledWith(`unit:auth:session:${SESSION_ID}`, 'LOGOUT', 'EX', 360, 'NX');
  });

  it.each([
    ['a revoked session', ['ACTIVE|2|USER', 'LOGOUT']],
    ['a session revoked for refresh-token reuse', ['ACTIVE|2|USER', 'REFRESH_TOKEN_REUSE']],
    ['a deactivated user', ['DEACTIVATED|3|USER', 'OPEN']],
    ['an older token version', ['ACTIVE|3|USER', 'OPEN']],
  ])('refuses %s', async (_label, answer) => {
    const { validator } = setup({ mget: async () => answer });
    await expect(validator.validate(claims)).rejects.toBeInstanceOf(UnauthenticatedError);
  });

  it('refuses a session that belongs to another user, without caching it', async () => {
    const { validator, redis } = setup({ session: { _id: SESSION_ID, user_id: '0193a4c2-5d1e-7b2a-9c3d-999999999999', revoked_at: null } });
    await expect(validator.validate(claims)).rejects.toBeInstanceOf(UnauthenticatedError);
    expect(redis.set).not.toHaveBeenCalledWith(`unit:auth:session:${SESSION_ID}`, expect.anything(), 'EX', expect.anything(), 'NX');
  });

  it('refuses a session that does not exist', async () => {
    const { validator } = setup({ session: null });
    await expect(validator.validate(claims)).rejects.toBeInstanceOf(UnauthenticatedError);
  });

  it('refuses a user that no longer exists', async () => {
    const { validator } = setup({ record: null });
    await expect(validator.validate(claims)).rejects.toBeInstanceOf(UnauthenticatedError);
  });

  it('falls back to MongoDB _id reads when Redis is not connected', async () => {
    const { validator, redis, users, sessions } = setup({ status: 'reconnecting' });
    await expect(validator.validate(claims)).resolves.toMatchObject({ userId: USER_ID });
    expect(redis.mget).not.toHaveBeenCalled();
    expect(users.findById).toHaveBeenCalledWith(USER_ID);
    expect(sessions.findSession).toHaveBeenCalledWith(SESSION_ID);
  });

  it('falls back to MongoDB when the MGET fails, and still sees a revoked session there', async () => {
    const { validator } = setup({
      mget: async () => {
        throw new Error('Connection is closed.');
      },
      session: { _id: SESSION_ID, user_id: USER_ID, revoked_at: new Date() },
    });
    await expect(validator.validate(claims)).rejects.toBeInstanceOf(UnauthenticatedError);
  });
});
