import { ValidationFailedError } from '../../../common/errors';
import { isUuid } from '../../../common/util/ids';

/** Opaque cursor of the user listings: the last `user_id` of a page, base64url-encoded. */
export function encodeUserCursor(lastUserId: string): string {
  return Buffer.from(JSON.stringify({ after: lastUserId })).toString('base64url');
}

export function decodeUserCursor(cursor: string | undefined): string | null {
  if (cursor === undefined || cursor === '') return null;
  try {
    const parsed = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8')) as { after?: unknown };
    if (isUuid(parsed.after)) return parsed.after;
  } catch {
    // fall through
  }
  throw new ValidationFailedError('Validation failed: cursor is not a cursor this API returned', { cursor: ['cursor is invalid'] });
}
