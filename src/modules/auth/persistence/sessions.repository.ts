import { Injectable } from '@nestjs/common';
import { InjectModel } from '@nestjs/mongoose';
import { Model } from 'mongoose';
import { insertIfAbsent } from '../../../common/database/mongo-errors';
import { RefreshTokenDocument, RefreshTokenUseDocument, SessionDocument } from './session.schemas';

/** Sessions and refresh tokens. Every read on a request path is an `_id` lookup. */
@Injectable()
export class SessionsRepository {
  constructor(
    @InjectModel(SessionDocument.name) private readonly sessions: Model<SessionDocument>,
    @InjectModel(RefreshTokenDocument.name) private readonly tokens: Model<RefreshTokenDocument>,
    @InjectModel(RefreshTokenUseDocument.name) private readonly uses: Model<RefreshTokenUseDocument>,
  ) {}

  async insertSession(session: SessionDocument): Promise<void> {
    await this.sessions.create(session);
  }

  findSession(sessionId: string): Promise<SessionDocument | null> {
    return this.sessions.findOne({ _id: sessionId }).lean<SessionDocument>().exec();
  }

  /** Sessions revoked at or after `since` (index `revoked_at`), for re-publishing their revocation. */
  findRevokedSince(since: Date): Promise<Array<Pick<SessionDocument, '_id' | 'revoked_reason'>>> {
    return this.sessions.find({ revoked_at: { $gte: since } }, { _id: 1, revoked_reason: 1 }).lean<Array<Pick<SessionDocument, '_id' | 'revoked_reason'>>>().exec();
  }

  /** Marks the session revoked (keeps the first revocation's time and reason if it already was). */
  async revokeSession(sessionId: string, reason: string, now: Date): Promise<void> {
    const session = await this.findSession(sessionId);
    if (!session || session.revoked_at) return;
    await this.sessions.updateOne({ _id: sessionId }, { $set: { revoked_at: now, revoked_reason: reason } }).exec();
  }

  async insertRefreshToken(token: RefreshTokenDocument): Promise<void> {
    await this.tokens.create(token);
  }

  findRefreshToken(hash: string): Promise<RefreshTokenDocument | null> {
    return this.tokens.findOne({ _id: hash }).lean<RefreshTokenDocument>().exec();
  }

  /** Consumes a refresh token: true for the one caller that used it first, false for everyone after. */
  recordUse(use: RefreshTokenUseDocument): Promise<boolean> {
    return insertIfAbsent(this.uses.collection, use);
  }

  findUse(hash: string): Promise<RefreshTokenUseDocument | null> {
    return this.uses.findOne({ _id: hash }).lean<RefreshTokenUseDocument>().exec();
  }

  /** Deletes refresh tokens and their use records once expired (FerretDB has no TTL indexes). */
  async purgeExpired(now: Date): Promise<{ tokens: number; uses: number }> {
    const [tokens, uses] = await Promise.all([
      this.tokens.deleteMany({ expires_at: { $lt: now } }).exec(),
      this.uses.deleteMany({ expires_at: { $lt: now } }).exec(),
    ]);
    return { tokens: tokens.deletedCount, uses: uses.deletedCount };
  }
}
