import type { AccessClaims } from '../../auth';

/** What opens a stream: the claims of the access token and its expiry (seconds since the epoch). */
export interface StreamCredential {
  claims: AccessClaims;
  exp: number;
}

/** The expiry of an access token the guard (or `verifyAccessToken`) has already verified. */
export function expiryOf(token: string): number {
  const payload = JSON.parse(Buffer.from(token.split('.')[1] ?? '', 'base64url').toString('utf8')) as { exp?: unknown };
  return typeof payload.exp === 'number' ? payload.exp : 0;
}
