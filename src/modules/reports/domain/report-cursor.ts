import { createHash, createHmac, timingSafeEqual } from 'node:crypto';
import { ValidationFailedError } from '../../../common/errors';

/**
 * Where the next page of a listing starts: entries with `lowestSeq <= seq < beforeSeq`, newest
 * first. Sequence numbers only grow, so entries written after the first page never shift a later
 * page (no duplicates, no gaps).
 */
export interface CursorPosition {
  beforeSeq: number;
  lowestSeq: number;
}

export class InvalidCursorError extends ValidationFailedError {
  constructor(reason = 'cursor is not one this API issued, or it was altered') {
    super(`Validation failed: ${reason}`, { cursor: [reason] });
  }
}

const b64 = (buf: Buffer) => buf.toString('base64url');

/**
 * Opaque, tamper-evident cursors: `base64url(json).base64url(hmac)`. The HMAC covers the position
 * and a digest of the selection (wallet, filters, period), so a cursor cannot be edited, nor reused
 * with other filters or for another user's report.
 */
export class ReportCursorCodec {
  private readonly key: Buffer;

  constructor(secret: string) {
    this.key = createHmac('sha256', secret).update('dompet:reports:cursor:v1').digest();
  }

  encode(position: CursorPosition, selection: string): string {
    const body = b64(Buffer.from(JSON.stringify({ v: 1, b: position.beforeSeq, l: position.lowestSeq })));
    return `${body}.${this.sign(body, selection)}`;
  }

  decode(cursor: string, selection: string): CursorPosition {
    const parts = cursor.split('.');
    if (parts.length !== 2 || !/^[A-Za-z0-9_-]{1,200}$/.test(parts[0]) || !/^[A-Za-z0-9_-]{22}$/.test(parts[1])) {
      throw new InvalidCursorError();
    }
    const [body, mac] = parts;
    const expected = Buffer.from(this.sign(body, selection));
    const given = Buffer.from(mac);
    if (given.length !== expected.length || !timingSafeEqual(given, expected)) {
      throw new InvalidCursorError('cursor is not valid for this report (altered, or issued with other filters)');
    }
    let payload: unknown;
    try {
      payload = JSON.parse(Buffer.from(body, 'base64url').toString('utf8'));
    } catch {
      throw new InvalidCursorError();
    }
    const p = payload as { v?: unknown; b?: unknown; l?: unknown };
    if (p.v !== 1 || !Number.isSafeInteger(p.b) || !Number.isSafeInteger(p.l) || (p.l as number) < 1 || (p.b as number) <= (p.l as number)) {
      throw new InvalidCursorError();
    }
    return { beforeSeq: p.b as number, lowestSeq: p.l as number };
  }

  private sign(body: string, selection: string): string {
    const digest = createHash('sha256').update(selection).digest();
    return b64(createHmac('sha256', this.key).update(body).update('.').update(digest).digest().subarray(0, 16));
  }
}
