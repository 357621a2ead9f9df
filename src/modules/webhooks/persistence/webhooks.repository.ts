import { Injectable } from '@nestjs/common';
import { InjectModel } from '@nestjs/mongoose';
import { Model } from 'mongoose';
import { insertIfAbsent } from '../../../common/database/mongo-errors';
import type { DispatchCursor } from '../domain/dispatch-cursor';
import {
  DeliveryStatus,
  WebhookAttemptDocument,
  WebhookCursorDocument,
  WebhookDeliveryDocument,
  WebhookEndpointDocument,
} from './webhook.schemas';

/** Persistence of webhook endpoints, deliveries, their attempts and the dispatch cursors. */
@Injectable()
export class WebhooksRepository {
  constructor(
    @InjectModel(WebhookEndpointDocument.name) private readonly endpoints: Model<WebhookEndpointDocument>,
    @InjectModel(WebhookDeliveryDocument.name) private readonly deliveries: Model<WebhookDeliveryDocument>,
    @InjectModel(WebhookAttemptDocument.name) private readonly attempts: Model<WebhookAttemptDocument>,
    @InjectModel(WebhookCursorDocument.name) private readonly cursors: Model<WebhookCursorDocument>,
  ) {}

  async insertEndpoint(endpoint: WebhookEndpointDocument): Promise<void> {
    await this.endpoints.collection.insertOne(endpoint as never);
  }

  findEndpoint(id: string): Promise<WebhookEndpointDocument | null> {
    return this.endpoints.findOne({ _id: id }).lean<WebhookEndpointDocument>().exec();
  }

  /** Every endpoint, oldest first (there are few: registered by administrators). */
  /** Whether any endpoint is registered (one `_id` of the collection read). */
  async anyEndpoint(): Promise<boolean> {
    return (await this.endpoints.findOne({}, { _id: 1 }).lean().exec()) !== null;
  }

  listEndpoints(): Promise<WebhookEndpointDocument[]> {
    return this.endpoints.find({}).sort({ _id: 1 }).lean<WebhookEndpointDocument[]>().exec();
  }

  /** True when the endpoint existed. Its deliveries stop: each attempt first looks the endpoint up. */
  async deleteEndpoint(id: string): Promise<boolean> {
    const res = await this.endpoints.deleteOne({ _id: id }).exec();
    return res.deletedCount > 0;
  }

  /** Records a delivery to make; false when it exists already (the event was dispatched to this endpoint before). */
  insertDelivery(delivery: WebhookDeliveryDocument): Promise<boolean> {
    return insertIfAbsent(this.deliveries.collection, delivery);
  }

  findDelivery(id: string): Promise<WebhookDeliveryDocument | null> {
    return this.deliveries.findOne({ _id: id }).lean<WebhookDeliveryDocument>().exec();
  }

  /**
   * Sets the delivery's state after an attempt. A success always wins; a failure never overwrites a
   * success (a duplicate job that failed after another one delivered leaves it DELIVERED).
   */
  async setDeliveryState(id: string, status: DeliveryStatus, statusCode: number | null, now: Date): Promise<void> {
    const filter = status === 'DELIVERED' ? { _id: id } : { _id: id, status: { $ne: 'DELIVERED' } };
    await this.deliveries.updateOne(filter, { $set: { status, last_status_code: statusCode, updated_at: now } }).exec();
  }

  async insertAttempt(attempt: WebhookAttemptDocument): Promise<void> {
    await this.attempts.collection.insertOne(attempt as never);
  }

  countAttempts(deliveryId: string): Promise<number> {
    return this.attempts.countDocuments({ delivery_id: deliveryId }).exec();
  }

  /** The endpoint's attempts, newest first, before the attempt id `before` (UUID v7, time ordered). */
  listAttempts(endpointId: string, options: { before?: string; eventId?: string; limit: number }): Promise<WebhookAttemptDocument[]> {
    const filter: Record<string, unknown> = { endpoint_id: endpointId };
    if (options.eventId) filter.event_id = options.eventId;
    if (options.before) filter._id = { $lt: options.before };
    return this.attempts.find(filter).sort({ _id: -1 }).limit(options.limit).lean<WebhookAttemptDocument[]>().exec();
  }

  findCursor(walletId: string): Promise<WebhookCursorDocument | null> {
    return this.cursors.findOne({ _id: walletId }).lean<WebhookCursorDocument>().exec();
  }

  /** Moves a wallet's dispatch cursor forward (a concurrent older write may win on FerretDB: that only re-reads a few events, deduplicated). */
  async advanceCursor(walletId: string, after: DispatchCursor, seq: number, now: Date): Promise<void> {
    const res = await this.cursors.updateOne({ _id: walletId, seq: { $lte: seq } }, { $set: { after, seq, updated_at: now } }).exec();
    if (res.matchedCount === 0) await insertIfAbsent(this.cursors.collection, { _id: walletId, after, seq, updated_at: now });
  }
}
