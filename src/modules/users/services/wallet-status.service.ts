import { Injectable } from '@nestjs/common';
import { InjectModel } from '@nestjs/mongoose';
import { Model } from 'mongoose';
import { insertIfAbsent } from '../../../common/database/mongo-errors';
import { formatDateTime } from '../../../common/util/time';
import { AppConfig } from '../../../config/app-config';
import { WalletStatusData, walletStatusKey, StatusEventLog } from '../../status-events';
import { UserNotFoundError } from '../domain/user.errors';
import { UserWriteLock } from '../persistence/user-write-lock';
import { UserRecord, UsersRepository } from '../persistence/users.repository';
import { UserAuthStateCache } from '../persistence/user-auth-state.cache';
import { WalletStatusChangeDocument } from '../persistence/wallet-status-change.schema';

/**
 * Wallet status changes (freeze, unfreeze). Each change is numbered (1, 2, …) and **claimed by its
 * event** first: the insert of `wallet.frozen` / `wallet.unfrozen` under `<user_id>:wallet-status:<v>`
 * decides that change v happens (two admins racing get one change, one event); only then is the user
 * written (`wallet_frozen`, `wallet_status_version`). So the status never changes without its event.
 *
 * A crash between the claim and the user write leaves the event ahead of the user document. A marker
 * (`wallet_status_changes`) is written before every claim and removed once the user shows the change:
 * the recovery sweep completes the changes whose marker is old (`repair`), and any later change of that
 * user catches up first. Does not rely on the write lock (which Redis being down skips): after writing
 * the user, it checks that no later change was claimed meanwhile, and follows it if one was.
 */
@Injectable()
export class WalletStatusService {
  constructor(
    private readonly users: UsersRepository,
    private readonly lock: UserWriteLock,
    private readonly config: AppConfig,
    private readonly statusEvents: StatusEventLog,
    @InjectModel(WalletStatusChangeDocument.name) private readonly changes: Model<WalletStatusChangeDocument>,
    private readonly authState: UserAuthStateCache,
  ) {}

  /** Sets the wallet's status to `frozen` (nothing happens when it already is); returns the user. */
  change(userId: string, frozen: boolean): Promise<UserRecord> {
    return this.lock.run(userId, () => this.apply(userId, frozen));
  }

  /**
   * Completes the changes whose marker is older than `olderThanMs`: the user document catches up with
   * every claimed change; a marker whose change was never claimed (a crash before the claim) is dropped.
   */
  async repair(olderThanMs: number, limit = 100): Promise<{ examined: number; repaired: number }> {
    const stale = await this.changes
      .find({ created_at: { $lt: new Date(Date.now() - olderThanMs) } })
      .limit(limit)
      .lean<WalletStatusChangeDocument[]>()
      .exec();
    let repaired = 0;
    for (const marker of stale) {
      if (!(await this.statusEvents.findByKey(marker._id))) {
        await this.changes.deleteOne({ _id: marker._id }).exec();
        continue;
      }
      const before = await this.users.findById(marker.user_id);
      const after = await this.lock.run(marker.user_id, () => this.apply(marker.user_id, null)).catch((err: unknown) => {
        if (err instanceof UserNotFoundError) return null;
        throw err;
      });
      if (!after) await this.changes.deleteOne({ _id: marker._id }).exec();
      else if (before?.wallet_status_version !== after.wallet_status_version) repaired++;
    }
    return { examined: stale.length, repaired };
  }

  /** `frozen` null: only catch the user up with the claimed changes. */
  private async apply(userId: string, frozen: boolean | null): Promise<UserRecord> {
    let user = await this.users.findById(userId);
    if (!user) throw new UserNotFoundError();
    for (;;) {
      const { version, state } = await this.decide(user, frozen);
      if (user.wallet_frozen !== state || (user.wallet_status_version ?? 0) !== version) {
        const updated = await this.users.update(userId, { wallet_frozen: state, wallet_status_version: version, updated_at: new Date() });
        if (!updated) throw new UserNotFoundError();
        user = updated;
        // Payments read the flag from the session cache: the change is there before it is answered.
        await this.authState.publish(updated);
      }
      // A change claimed after the head read above would be undone by this write: follow it.
      if (!(await this.statusEvents.findByKey(walletStatusKey(userId, version + 1)))) {
        await this.changes.deleteMany({ user_id: userId, version: { $lte: version } }).exec();
        return user;
      }
    }
  }

  /** The wallet's status after every claimed change, plus the change to `frozen` (claimed here) if it differs. */
  private async decide(user: UserRecord, frozen: boolean | null): Promise<{ version: number; state: boolean }> {
    let version = user.wallet_status_version ?? 0;
    let state = user.wallet_frozen;
    for (;;) {
      let next;
      while ((next = await this.statusEvents.findByKey(walletStatusKey(user._id, version + 1)))) {
        version++;
        state = (next.data as unknown as WalletStatusData).wallet_frozen;
      }
      if (frozen === null || state === frozen) return { version, state };
      const key = walletStatusKey(user._id, version + 1);
      const now = new Date();
      await insertIfAbsent(this.changes.collection, { _id: key, user_id: user._id, version: version + 1, created_at: now });
      const data: WalletStatusData = { user_id: user._id, wallet_frozen: frozen, version: version + 1, updated_date: formatDateTime(now, this.config.timeZone) };
      const { inserted } = await this.statusEvents.record({ userId: user._id, key, type: frozen ? 'wallet.frozen' : 'wallet.unfrozen', afterSeq: 0, createdAt: now, data });
      if (inserted) return { version: version + 1, state: frozen };
      // Another request claimed change version + 1 first: read it and decide again.
    }
  }
}
