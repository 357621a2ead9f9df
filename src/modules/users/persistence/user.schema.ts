import { Prop, Schema, SchemaFactory } from '@nestjs/mongoose';
import type { Role } from '../../../common/decorators/auth.decorators';

export type UserStatus = 'ACTIVE' | 'DEACTIVATED';

/** A person with a wallet. `_id` is the public `user_id` (UUID v7). */
@Schema({ collection: 'users', versionKey: false, _id: false })
export class UserDocument {
  @Prop({ type: String, required: true }) _id!: string;
  @Prop({ required: true }) first_name!: string;
  @Prop({ required: true }) last_name!: string;
  /** Normalised national form, e.g. `0811255501`; unique. */
  @Prop({ required: true }) phone_number!: string;
  @Prop({ required: true }) address!: string;
  @Prop({ required: true }) pin_hash!: string;
  @Prop({ type: String, required: true, default: 'USER' }) role!: Role;
  @Prop({ type: String, required: true, default: 'ACTIVE' }) status!: UserStatus;
  @Prop({ required: true, default: false }) wallet_frozen!: boolean;
  /**
   * How many status changes (freeze, unfreeze) of the wallet `wallet_frozen` reflects: change v is
   * claimed first by its event (`status_events`, key `<user_id>:wallet-status:<v>`), then written here.
   * Absent: 0.
   */
  @Prop({ type: Number, required: false }) wallet_status_version?: number;
  /** Bumped on PIN change and deactivation: tokens carrying an older version stop working. */
  @Prop({ required: true, default: 0 }) token_version!: number;
  @Prop({ type: Date, required: true }) created_at!: Date;
  @Prop({ type: Date, required: true }) updated_at!: Date;
}

export const UserSchema = SchemaFactory.createForClass(UserDocument);

/**
 * Phone number → user id. Its `_id` is the normalised phone, so the lookup at login is an `_id`
 * read and the insert that claims a number is what decides a registration race.
 */
@Schema({ collection: 'user_phones', versionKey: false, _id: false })
export class UserPhoneDocument {
  @Prop({ type: String, required: true }) _id!: string;
  @Prop({ required: true }) user_id!: string;
  @Prop({ type: Date, required: true }) created_at!: Date;
}

export const UserPhoneSchema = SchemaFactory.createForClass(UserPhoneDocument);
