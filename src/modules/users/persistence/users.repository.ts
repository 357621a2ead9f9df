import { Injectable } from '@nestjs/common';
import { InjectModel } from '@nestjs/mongoose';
import { Model } from 'mongoose';
import { isDuplicateKeyError } from '../../../common/database/mongo-errors';
import { UserDocument, UserPhoneDocument } from './user.schema';

export type UserRecord = UserDocument;

@Injectable()
export class UsersRepository {
  constructor(
    @InjectModel(UserDocument.name) private readonly users: Model<UserDocument>,
    @InjectModel(UserPhoneDocument.name) private readonly phones: Model<UserPhoneDocument>,
  ) {}

  findById(userId: string): Promise<UserRecord | null> {
    return this.users.findOne({ _id: userId }).lean<UserRecord>().exec();
  }

  async findByPhone(phone: string): Promise<UserRecord | null> {
    const claim = await this.phones.findOne({ _id: phone }).lean<UserPhoneDocument>().exec();
    if (!claim) return null;
    const user = await this.findById(claim.user_id);
    return user && user.phone_number === phone ? user : null;
  }

  /** Claims the phone number; false when another user already holds it. */
  async claimPhone(phone: string, userId: string, now: Date): Promise<boolean> {
    try {
      await this.phones.create({ _id: phone, user_id: userId, created_at: now });
      return true;
    } catch (err) {
      if (isDuplicateKeyError(err)) return false;
      throw err;
    }
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

  /** Sets the given fields by `_id` (single-document write). */
  async update(userId: string, fields: Partial<Omit<UserRecord, '_id'>>): Promise<UserRecord | null> {
    return this.users.findOneAndUpdate({ _id: userId }, { $set: fields }, { new: true }).lean<UserRecord>().exec();
  }

  /** All users in `_id` order (UUID v7, so registration order), for admin listing and maintenance. */
  listAfter(afterId: string | null, limit: number): Promise<UserRecord[]> {
    const filter = afterId ? { _id: { $gt: afterId } } : {};
    return this.users.find(filter).sort({ _id: 1 }).limit(limit).lean<UserRecord[]>().exec();
  }
}
