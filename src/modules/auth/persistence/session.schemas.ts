import { Prop, Schema, SchemaFactory } from '@nestjs/mongoose';

/**
 * A login session (one device, one "family" of refresh tokens). `_id` is the session id carried in
 * access tokens as `sid`. Written once at login and once more when revoked, never otherwise: on
 * FerretDB an update rewrites the whole document, so any other write could undo a revocation.
 */
@Schema({ collection: 'sessions', versionKey: false, _id: false })
export class SessionDocument {
  @Prop({ type: String, required: true }) _id!: string;
  @Prop({ required: true }) user_id!: string;
  /** The user's token_version at login; a refresh fails once the user's version has moved on (PIN change, deactivation). */
  @Prop({ required: true }) token_version!: number;
  @Prop({ type: Date, required: true }) created_at!: Date;
  @Prop({ type: Date, default: null }) revoked_at!: Date | null;
  /** LOGOUT or REFRESH_TOKEN_REUSE. */
  @Prop({ type: String, default: null }) revoked_reason!: string | null;
}

export const SessionSchema = SchemaFactory.createForClass(SessionDocument);

/** A refresh token, stored only as its SHA-256 (`_id`, hex). Kept after use until it expires, so a replay is recognised. */
@Schema({ collection: 'refresh_tokens', versionKey: false, _id: false })
export class RefreshTokenDocument {
  @Prop({ type: String, required: true }) _id!: string;
  @Prop({ required: true }) session_id!: string;
  @Prop({ required: true }) user_id!: string;
  @Prop({ type: Date, required: true }) created_at!: Date;
  @Prop({ type: Date, required: true }) expires_at!: Date;
}

export const RefreshTokenSchema = SchemaFactory.createForClass(RefreshTokenDocument);

/**
 * The single use of a refresh token: inserting `{_id: token hash}` is what consumes it. The insert is
 * atomic under the `_id` index, so of two concurrent refreshes with one token exactly one wins.
 */
@Schema({ collection: 'refresh_token_uses', versionKey: false, _id: false })
export class RefreshTokenUseDocument {
  @Prop({ type: String, required: true }) _id!: string;
  @Prop({ required: true }) session_id!: string;
  @Prop({ type: Date, required: true }) used_at!: Date;
  @Prop({ type: Date, required: true }) expires_at!: Date;
}

export const RefreshTokenUseSchema = SchemaFactory.createForClass(RefreshTokenUseDocument);
