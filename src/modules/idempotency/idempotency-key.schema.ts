import { Prop, Schema, SchemaFactory } from '@nestjs/mongoose';

/** An `Idempotency-Key` of one user for one route: `_id` = `<user>:<scope>:<key>`. */
@Schema({ collection: 'idempotency_keys', versionKey: false, _id: false })
export class IdempotencyKeyDocument {
  @Prop({ type: String, required: true }) _id!: string;
  @Prop({ required: true }) user_id!: string;
  @Prop({ required: true }) scope!: string;
  @Prop({ required: true }) request_hash!: string;
  /** The operation id every attempt with this key re-applies (so all attempts converge on one movement). */
  @Prop({ required: true }) op_id!: string;
  @Prop({ type: Object, default: null }) response!: StoredResponse | null;
  /** Set when an attempt failed without an answer to store (a dependency was down): the key is free to retry at once. */
  @Prop({ type: Date, required: false }) released_at?: Date;
  @Prop({ type: Date, required: true }) created_at!: Date;
  @Prop({ type: Date, required: true }) expires_at!: Date;
}
export const IdempotencyKeySchema = SchemaFactory.createForClass(IdempotencyKeyDocument);

export type StoredResponse = { ok: true; result: unknown } | { ok: false; status: number; code: string; message: string; details: Record<string, unknown> };
