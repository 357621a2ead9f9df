import { Prop, Schema, SchemaFactory } from '@nestjs/mongoose';
import type { DispatchCursor } from '../domain/dispatch-cursor';

export type DeliveryStatus = 'PENDING' | 'DELIVERED' | 'FAILED';
export type AttemptOutcome = 'DELIVERED' | 'RETRYING' | 'FAILED' | 'CANCELLED';

/** A registered endpoint (`_id` = webhook_id, UUID v7). The secret is kept to sign every delivery. */
@Schema({ collection: 'webhook_endpoints', versionKey: false, _id: false })
export class WebhookEndpointDocument {
  @Prop({ type: String, required: true }) _id!: string;
  @Prop({ required: true }) url!: string;
  @Prop({ type: [String], required: true }) event_types!: string[];
  @Prop({ required: true }) secret!: string;
  @Prop({ type: String, default: '' }) description!: string;
  @Prop({ required: true }) created_by!: string;
  @Prop({ type: Date, required: true }) created_at!: Date;
}
export const WebhookEndpointSchema = SchemaFactory.createForClass(WebhookEndpointDocument);

/**
 * One event for one endpoint (`_id` = `<webhook_id>:<event_id>`, also the Bull job id of its first
 * delivery): the exact body every attempt sends, and where it stands. Claimed by insert, so a second
 * dispatch of the same event to the same endpoint finds it instead of making another.
 */
@Schema({ collection: 'webhook_deliveries', versionKey: false, _id: false })
export class WebhookDeliveryDocument {
  @Prop({ type: String, required: true }) _id!: string;
  @Prop({ required: true }) endpoint_id!: string;
  @Prop({ required: true }) event_id!: string;
  @Prop({ required: true }) event_type!: string;
  @Prop({ required: true }) user_id!: string;
  /** The JSON body, byte for byte what each attempt signs and sends. */
  @Prop({ required: true }) body!: string;
  @Prop({ type: String, required: true }) status!: DeliveryStatus;
  @Prop({ type: Number, default: null }) last_status_code!: number | null;
  @Prop({ type: Date, required: true }) created_at!: Date;
  @Prop({ type: Date, required: true }) updated_at!: Date;
}
export const WebhookDeliverySchema = SchemaFactory.createForClass(WebhookDeliveryDocument);

/** One HTTP attempt of a delivery (`_id` UUID v7: the delivery log is read newest first by it). */
@Schema({ collection: 'webhook_attempts', versionKey: false, _id: false })
export class WebhookAttemptDocument {
  @Prop({ type: String, required: true }) _id!: string;
  @Prop({ required: true }) endpoint_id!: string;
  @Prop({ required: true }) delivery_id!: string;
  @Prop({ required: true }) event_id!: string;
  @Prop({ required: true }) event_type!: string;
  /** 1 for the first automatic attempt, 2 for its first retry, …; a manual redelivery counts on from the last. */
  @Prop({ required: true }) attempt!: number;
  @Prop({ type: Boolean, default: false }) manual!: boolean;
  @Prop({ type: Number, default: null }) status_code!: number | null;
  @Prop({ required: true }) latency_ms!: number;
  @Prop({ type: String, required: true }) outcome!: AttemptOutcome;
  @Prop({ type: String, default: null }) error!: string | null;
  @Prop({ type: Date, required: true }) created_at!: Date;
}
export const WebhookAttemptSchema = SchemaFactory.createForClass(WebhookAttemptDocument);

/**
 * How far the dispatcher has read one wallet's events (`_id` = user id): `after` is the `id` of the
 * last event whose deliveries are all enqueued (`DispatchCursor`), `seq` its ledger seq (a cursor
 * only moves forward: an update never takes it to a lower seq).
 */
@Schema({ collection: 'webhook_cursors', versionKey: false, _id: false })
export class WebhookCursorDocument {
  @Prop({ type: String, required: true }) _id!: string;
  @Prop({ type: String, required: true }) after!: DispatchCursor;
  @Prop({ required: true }) seq!: number;
  @Prop({ type: Date, required: true }) updated_at!: Date;
}
export const WebhookCursorSchema = SchemaFactory.createForClass(WebhookCursorDocument);
