import { Injectable } from '@nestjs/common';
import { authStateOf, UserAuthStateCache } from './user-auth-state.cache';
import { UserRecord, UsersRepository } from './users.repository';

/** What a money movement checks of a user: does it exist, is it active, is its wallet frozen. */
export type UserState = Pick<UserRecord, '_id' | 'status' | 'wallet_frozen'>;

/**
 * Users' states for the transfer path (the sender and receiver when accepting, the receiver when
 * settling), from the session cache when it holds them: the same copy the session check of every request
 * trusts, to which a deactivation, a freeze or an unfreeze is published before it is answered. What the
 * cache does not hold (or while this process does not trust it) is read from MongoDB and cached.
 */
@Injectable()
export class UserStates {
  constructor(
    private readonly users: UsersRepository,
    private readonly cache: UserAuthStateCache,
  ) {}

  async findById(userId: string): Promise<UserState | null> {
    return (await this.findByIds([userId])).get(userId) ?? null;
  }

  /** The states of the users that exist (missing ids are missing from the map). */
  async findByIds(userIds: string[]): Promise<Map<string, UserState>> {
    const found = new Map<string, UserState>();
    const cached = await this.cache.readStates(userIds);
    for (const [id, state] of cached) found.set(id, { _id: id, status: state.status, wallet_frozen: state.walletFrozen! });
    const missing = userIds.filter((id) => !found.has(id));
    if (missing.length === 0) return found;
    const read = missing.length === 1 ? [await this.users.findById(missing[0])].filter((u): u is UserRecord => u !== null) : [...(await this.users.findByIds(missing)).values()];
    for (const user of read) {
      found.set(user._id, { _id: user._id, status: user.status, wallet_frozen: user.wallet_frozen });
      void this.cache.remember(user._id, authStateOf(user));
    }
    return found;
  }
}
