import { Prop, Schema, SchemaFactory } from '@nestjs/mongoose';
import type { HoldOutcomeKind, StoredHoldStatus } from '../domain/hold';

/** Collections read (never written) by the ledger reconciliation. */
export const HOLDS_COLLECTION = 'holds';
export const HOLD_OUTCOMES_COLLECTION = 'hold_outcomes';

/**
 * A payment hold (`_id` = the public `hold_id`, also its Bull job id). Written before its debit; the
 * debit entry (`HOLD:<id>:DEBIT`) is what makes it exist, and its outcome document what decides it. The
 * fields below the facts are a projection of those two for reads and the sweep: `settled` is false until
 * every leg of the outcome is written, `due_at` is when the sweep should look at it (`expires_at` while
 * pending, the time of the claim once decided).
 */
@Schema({ collection: HOLDS_COLLECTION, versionKey: false, _id: false })
export class HoldDocument {
  @Prop({ type: String, required: true }) _id!: string;
  @Prop({ required: true }) user_id!: string;
  @Prop({ required: true }) amount!: number;
  @Prop({ type: String, default: '' }) remarks!: string;
  @Prop({ type: Date, required: true }) expires_at!: Date;
  @Prop({ type: String, required: true }) status!: StoredHoldStatus;
  @Prop({ type: Number, default: 0 }) captured_amount!: number;
  @Prop({ type: Number, default: 0 }) released_amount!: number;
  /** The release is decided but does not fit under MAX_BALANCE yet: retried until it does. */
  @Prop({ type: Boolean, default: false }) release_pending!: boolean;
  @Prop({ type: Boolean, required: true }) settled!: boolean;
  @Prop({ type: Date, required: true }) due_at!: Date;
  @Prop({ type: Date, required: true }) created_at!: Date;
  @Prop({ type: Date, required: true }) updated_at!: Date;
}
export const HoldSchema = SchemaFactory.createForClass(HoldDocument);

/** The one decision about a hold's money (`_id` = hold id): claimed by an insert, never changed. */
@Schema({ collection: HOLD_OUTCOMES_COLLECTION, versionKey: false, _id: false })
export class HoldOutcomeDocument {
  @Prop({ type: String, required: true }) _id!: string;
  @Prop({ type: String, required: true }) outcome!: HoldOutcomeKind;
  @Prop({ type: Number, default: 0 }) captured_amount!: number;
  @Prop({ type: String, default: null }) op_id!: string | null;
  /** Who decided: a user id (capture, void), or null for the expiry. */
  @Prop({ type: String, default: null }) decided_by!: string | null;
  @Prop({ type: Date, required: true }) decided_at!: Date;
}
export const HoldOutcomeSchema = SchemaFactory.createForClass(HoldOutcomeDocument);
