import type { AppConfig } from '../../../../config/app-config';
import type { PinHasher, UserAuthStateCache, UserRecord, UsersRepository, UserWriteLock } from '../../../users';
import type { PinLockoutService } from '../../services/pin-lockout.service';
import { ChangePinCommand } from './change-pin.command';
import { ChangePinHandler } from './change-pin.handler';

describe('ChangePinHandler', () => {
  it("publishes the user's new state inside the user's write lock, so a freeze's publish cannot be overwritten by an older copy", async () => {
    const user = { _id: 'u1', phone_number: '+6281', pin_hash: 'old', token_version: 3, status: 'ACTIVE', role: 'USER', wallet_frozen: false, updated_at: new Date() } as unknown as UserRecord;
    let holding = false;
    const publishedWhileHolding: boolean[] = [];
    const lock = {
      run: async <T>(_id: string, work: () => Promise<T>) => {
        holding = true;
        try {
          return await work();
        } finally {
          holding = false;
        }
      },
    } as unknown as UserWriteLock;
    const handler = new ChangePinHandler(
      { findById: async () => user, update: async () => ({ ...user, pin_hash: 'new', token_version: 4 }) } as unknown as UsersRepository,
      { verify: async () => true, hash: async () => 'new' } as unknown as PinHasher,
      { verifyWithinBudget: async (_phone: string, verify: () => Promise<boolean>) => verify() } as unknown as PinLockoutService,
      lock,
      { publish: async () => void publishedWhileHolding.push(holding) } as unknown as UserAuthStateCache,
      { timeZone: 'Asia/Jakarta' } as AppConfig,
    );
    await handler.execute(new ChangePinCommand('u1', '111111', '222222'));
    expect(publishedWhileHolding).toEqual([true]);
  });
});
