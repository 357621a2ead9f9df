import { Injectable } from '@nestjs/common';
import { InjectModel } from '@nestjs/mongoose';
import { FilterQuery, Model } from 'mongoose';
import { insertIfAbsent } from '../../../common/database/mongo-errors';
import { UserDocument, UserPhoneDocument } from './user.schema';

export type UserRecord = UserDocument;

export interface UserSearch {
  /** Only users whose `_id` sorts after this one (cursor pagination). */
  afterId?: string | null;
  limit: number;
  /**
   * Every term must match: a case-insensitive substring of the first or last name, or (when the
   * term has `phoneDigits`) a substring of the stored national-form phone number.
   */
  terms?: Array<{ name: string; phoneDigits?: string }>;
  /** Only ACTIVE users with role USER, leaving out `excludeId` (the directory ordinary users see). */
  directory?: { excludeId: string };
}

function escapeRegex(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}

@Injectable()
export class UsersRepository {
  constructor(
    @InjectModel(UserDocument.name) private readonly users: Model<UserDocument>,
    @InjectModel(UserPhoneDocument.name) private readonly phones: Model<UserPhoneDocument>,
  ) {}

  findById(userId: string): Promise<UserRecord | null> {
    return this.users.findOne({ _id: userId }).lean<UserRecord>().exec();
  }

  /** Several users in one query; the ones that do not exist are missing from the map. */
  async findByIds(userIds: string[]): Promise<Map<string, UserRecord>> {
    const found = await this.users.find({ _id: { $in: userIds } }).lean<UserRecord[]>().exec();
    return new Map(found.map((u) => [u._id, u]));
  }

  async findByPhone(phone: string): Promise<UserRecord | null> {
    const claim = await this.phones.findOne({ _id: phone }).lean<UserPhoneDocument>().exec();
    if (!claim) return null;
    const user = await this.findById(claim.user_id);
    return user && user.phone_number === phone ? user : null;
  }

  /** Claims the phone number; false when another user already holds it. */
  claimPhone(phone: string, userId: string, now: Date): Promise<boolean> {
    return insertIfAbsent(this.phones.collection, { _id: phone, user_id: userId, created_at: now });
  }

  findPhoneClaim(phone: string): Promise<UserPhoneDocument | null> {
    return this.phones.findOne({ _id: phone }).lean<UserPhoneDocument>().exec();
  }

  /** Frees a claim left behind by a registration that never created its user (only if still held by that user id). */
  async releasePhone(phone: string, userId: string): Promise<void> {
    await this.phones.deleteOne({ _id: phone, user_id: userId }).exec();
  }

  async insert(user: UserRecord): Promise<void> {
    await this.users.create(user);
  }

  /**
   * Sets the given fields by `_id` (single-document write). On FerretDB this is a read-modify-write of
   * the whole document, so callers that change a user run inside `UserWriteLock`.
   */
  async update(userId: string, fields: Partial<Omit<UserRecord, '_id'>>): Promise<UserRecord | null> {
    return this.users.findOneAndUpdate({ _id: userId }, { $set: fields }, { new: true }).lean<UserRecord>().exec();
  }

  /** All users in `_id` order (UUID v7, so registration order), for admin listing and maintenance. */
  listAfter(afterId: string | null, limit: number): Promise<UserRecord[]> {
    const filter = afterId ? { _id: { $gt: afterId } } : {};
    return this.users.find(filter).sort({ _id: 1 }).limit(limit).lean<UserRecord[]>().exec();
  }

  /** Users in `_id` (registration) order matching the search; a collection scan, meant for listings only. */
  search(search: UserSearch): Promise<UserRecord[]> {
    const filter: FilterQuery<UserDocument> = {};
    const id: Record<string, string> = {};
    if (search.afterId) id.$gt = search.afterId;
    if (search.directory) {
      id.$ne = search.directory.excludeId;
      filter.status = 'ACTIVE';
      filter.role = 'USER';
    }
    if (Object.keys(id).length) filter._id = id;
    const terms = (search.terms ?? []).map((term) => {
      const name = { $regex: escapeRegex(term.name), $options: 'i' };
      const or: FilterQuery<UserDocument>[] = [{ first_name: name }, { last_name: name }];
      if (term.phoneDigits) or.push({ phone_number: { $regex: escapeRegex(term.phoneDigits) } });
      return { $or: or };
    });
    if (terms.length) filter.$and = terms;
    return this.users.find(filter).sort({ _id: 1 }).limit(search.limit).lean<UserRecord[]>().exec();
  }
}
