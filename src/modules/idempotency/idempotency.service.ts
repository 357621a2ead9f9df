import { Injectable, Logger } from '@nestjs/common';
import { InjectModel } from '@nestjs/mongoose';
import { Model } from 'mongoose';
import { createHash } from 'node:crypto';
import { stringify } from 'safe-stable-stringify';
import { AppConfig } from '../../config/app-config';
import { insertIfAbsent } from '../../common/database/mongo-errors';
import { ConflictError, DomainError, ValidationFailedError } from '../../common/errors';
import { markIdempotentReplay } from '../../common/http/idempotent-replay';
import { newId } from '../../common/util/ids';
import { IdempotencyKeyDocument, StoredResponse } from './idempotency-key.schema';

const KEY_FORMAT = /^[A-Za-z0-9_.:-]{1,128}$/;
/** How long a request waits for the answer of an earlier request with the same key that is still at work. */
const IN_FLIGHT_WAIT_MS = 10_000;
const IN_FLIGHT_POLL_MS = 50;

export interface IdempotentRequest {
  userId: string;
  /** The route, e.g. `topup`: the same key may be used once per route. */
  scope: string;
  /** The raw `Idempotency-Key` header, if any. */
  key?: string;
  /** The request body (anything JSON): a reused key must come with an identical body. */
  body: unknown;
}

/**
 * `Idempotency-Key` support. The first request with a key inserts its record (the unique `_id` decides
 * between concurrent requests) and fixes the operation id; every request with that key re-applies that
 * same operation, which the ledger applies at most once, then the stored answer is replayed.
 */
@Injectable()
export class IdempotencyService {
  private readonly logger = new Logger(IdempotencyService.name);

  constructor(
    @InjectModel(IdempotencyKeyDocument.name) private readonly keys: Model<IdempotencyKeyDocument>,
    private readonly config: AppConfig,
  ) {}

  async run<R>(req: IdempotentRequest, work: (opId: string, mayExist: boolean) => Promise<R>): Promise<R> {
    if (req.key === undefined) return work(newId(), false);
    if (!KEY_FORMAT.test(req.key)) {
      throw new ValidationFailedError('Validation failed: Idempotency-Key must be 1-128 characters of letters, digits, _ . : -', {
        'Idempotency-Key': ['must be 1-128 characters of letters, digits, _ . : -'],
      });
    }
    const id = `${req.userId}:${req.scope}:${req.key}`;
    const hash = requestHash(req.body);
    const record = await this.claim(id, req, hash);
    if (record.request_hash !== hash) {
      throw new ConflictError('IDEMPOTENCY_KEY_REUSED', 'This Idempotency-Key was already used with a different request');
    }
    if (record.response) {
      markIdempotentReplay(); // `Idempotent-Replayed: true` on the HTTP answer, a success or a stored refusal
      return replay<R>(record.response);
    }
    if (!record.fresh) {
      // An earlier request with this key may still be at work: wait for its answer rather than run the
      // operation alongside it (the two could answer differently, one refused and one applied).
      const answer = await this.awaitAnswer(id, record);
      if (answer) {
        markIdempotentReplay();
        return replay<R>(answer);
      }
    }
    let result: R;
    try {
      result = await work(record.op_id, !record.fresh);
    } catch (err) {
      if (!(err instanceof DomainError && err.status < 500)) {
        // No answer will be stored (a dependency failed): a request waiting on this key may go ahead now.
        await this.keys.updateOne({ _id: id }, { $set: { released_at: new Date() } }).exec().catch(() => undefined);
      }
      if (err instanceof DomainError && err.status < 500) {
        await this.store(id, { ok: false, status: err.status, code: err.code, message: err.message, details: err.details }).catch((e: Error) =>
          this.logger.warn(`storing the refusal of idempotency key ${record._id} failed (a retry re-applies its operation): ${e.message}`),
        );
      }
      throw err;
    }
    // The work is done (the money moved): a failure to store the answer must not turn it into an error.
    // A retry with this key re-applies the same operation, which the ledger finds, and answers the same.
    await this.store(id, { ok: true, result }).catch((e: Error) =>
      this.logger.warn(`storing the answer of idempotency key ${record._id} failed (a retry re-applies its operation): ${e.message}`),
    );
    return result;
  }

  /** Deletes expired keys (FerretDB has no TTL indexes); returns how many. */
  async purgeExpired(now = new Date()): Promise<number> {
    const res = await this.keys.deleteMany({ expires_at: { $lt: now } }).exec();
    return res.deletedCount ?? 0;
  }

  private async claim(id: string, req: IdempotentRequest, hash: string): Promise<IdempotencyKeyDocument & { fresh: boolean }> {
    for (let i = 0; i < 3; i++) {
      const now = new Date();
      const doc: IdempotencyKeyDocument = {
        _id: id,
        user_id: req.userId,
        scope: req.scope,
        request_hash: hash,
        op_id: newId(),
        response: null,
        created_at: now,
        expires_at: new Date(now.getTime() + this.config.idempotencyTtlSeconds * 1000),
      };
      if (await insertIfAbsent(this.keys.collection, doc)) return { ...doc, fresh: true };
      const existing = await this.keys.findOne({ _id: id }).lean<IdempotencyKeyDocument>().exec();
      if (existing && existing.expires_at > now) return { ...existing, fresh: false };
      if (existing) await this.keys.deleteOne({ _id: id, op_id: existing.op_id }).exec();
    }
    throw new ConflictError('IDEMPOTENCY_KEY_BUSY', 'This Idempotency-Key is being renewed, please retry');
  }

  /**
   * The answer of the attempt that holds this key, once it has one: polled until it is stored, the
   * attempt gives the key back (it failed without an answer), or `IN_FLIGHT_WAIT_MS` after the key was
   * first used (the attempt died). Then null: this request applies the key's operation itself, which the
   * ledger applies at most once.
   */
  private async awaitAnswer(id: string, record: IdempotencyKeyDocument): Promise<StoredResponse | null> {
    const until = new Date(record.created_at).getTime() + IN_FLIGHT_WAIT_MS;
    let current: IdempotencyKeyDocument | null = record;
    while (current && !current.response && !current.released_at && Date.now() < until) {
      await new Promise((resolve) => setTimeout(resolve, IN_FLIGHT_POLL_MS));
      current = await this.keys.findOne({ _id: id }).lean<IdempotencyKeyDocument>().exec();
    }
    return current?.response ?? null;
  }

  private async store(id: string, response: StoredResponse): Promise<void> {
    await this.keys.updateOne({ _id: id }, { $set: { response } }).exec();
  }
}

function replay<R>(stored: StoredResponse): R {
  if (stored.ok) return stored.result as R;
  throw new DomainError(stored.code, stored.message, stored.status, stored.details);
}

/** SHA-256 of the body's JSON with object keys sorted, so `{a,b}` and `{b,a}` hash alike (the stored `request_hash`). */
export function requestHash(body: unknown): string {
  return createHash('sha256')
    .update(stringify(body) ?? 'null')
    .digest('hex');
}
