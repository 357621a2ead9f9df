import { Injectable, Logger } from '@nestjs/common';
import type { Role } from '../../../common/decorators/auth.decorators';
import { isDuplicateKeyError } from '../../../common/database/mongo-errors';
import { newId } from '../../../common/util/ids';
import { PinHasher } from '../domain/pin-hasher';
import { PhoneAlreadyRegisteredError } from '../domain/user.errors';
import { UserRecord, UsersRepository } from '../persistence/users.repository';

/** A claim whose user document never appeared within this time belongs to a registration that died half-way. */
export const ABANDONED_CLAIM_MS = 30_000;

export interface NewUser {
  firstName: string;
  lastName: string;
  /** Already normalised to the national form. */
  phone: string;
  address: string;
  pin: string;
  role: Role;
}

/**
 * Creates users: self-registration, admin creation and the configured admin account all come here.
 *
 * The phone number is claimed first by inserting `user_phones {_id: phone}`; that insert is atomic
 * under the `_id` index on MongoDB and FerretDB alike, so of many concurrent registrations of one
 * number exactly one wins and the others get `Phone Number already registered`.
 */
@Injectable()
export class UserRegistrationService {
  private readonly logger = new Logger(UserRegistrationService.name);

  constructor(
    private readonly users: UsersRepository,
    private readonly pins: PinHasher,
  ) {}

  async register(input: NewUser): Promise<UserRecord> {
    // Cheap early answer for a number that is plainly taken, before spending a PIN hash on it.
    if (await this.users.findByPhone(input.phone)) throw new PhoneAlreadyRegisteredError();
    const pinHash = await this.pins.hash(input.pin);
    const now = new Date();
    const userId = newId();
    if (!(await this.claim(input.phone, userId, now))) throw new PhoneAlreadyRegisteredError();
    const user: UserRecord = {
      _id: userId,
      first_name: input.firstName,
      last_name: input.lastName,
      phone_number: input.phone,
      address: input.address,
      pin_hash: pinHash,
      role: input.role,
      status: 'ACTIVE',
      wallet_frozen: false,
      token_version: 0,
      created_at: now,
      updated_at: now,
    };
    try {
      await this.users.insert(user);
    } catch (err) {
      await this.users.releasePhone(input.phone, userId).catch(() => undefined);
      if (isDuplicateKeyError(err)) throw new PhoneAlreadyRegisteredError();
      throw err;
    }
    await this.confirmClaim(input.phone, userId, now);
    return user;
  }

  private async claim(phone: string, userId: string, now: Date): Promise<boolean> {
    if (await this.users.claimPhone(phone, userId, now)) return true;
    const existing = await this.users.findPhoneClaim(phone);
    if (!existing) return this.users.claimPhone(phone, userId, now);
    if (now.getTime() - new Date(existing.created_at).getTime() < ABANDONED_CLAIM_MS) return false;
    if (await this.users.findById(existing.user_id)) return false;
    this.logger.warn(`releasing an abandoned claim on a phone number (user ${existing.user_id} was never created)`);
    await this.users.releasePhone(phone, existing.user_id);
    return this.users.claimPhone(phone, userId, now);
  }

  /**
   * After the user exists, make sure the phone still points at it. Only a concurrent release of an
   * abandoned claim (a non-atomic conditional delete on FerretDB) could have removed it.
   */
  private async confirmClaim(phone: string, userId: string, now: Date): Promise<void> {
    const claim = await this.users.findPhoneClaim(phone);
    if (claim?.user_id === userId) return;
    if (!claim && (await this.users.claimPhone(phone, userId, now))) return;
    this.logger.error(`phone claim of new user ${userId} is held by ${claim?.user_id ?? 'nobody'}`);
  }
}
