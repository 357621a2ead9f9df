import { Injectable } from '@nestjs/common';
import { JwtService } from '@nestjs/jwt';
import { createHash, randomBytes } from 'node:crypto';
import type { Role } from '../../../common/decorators/auth.decorators';
import { AppConfig } from '../../../config/app-config';

/** The claims of an access token. */
export interface AccessClaims {
  /** user id */
  sub: string;
  role: Role;
  /** session id */
  sid: string;
  /** the user's token_version when the token was issued */
  ver: number;
  typ: 'access';
}

/**
 * The claims of a queue-dashboard token: the credential the dashboard's sign-in keeps in an HttpOnly
 * cookie scoped to `/admin/queues`. Same session and version checks as an access token, but its own
 * type, so it is never accepted as a Bearer token by the API (nor an access token in its place).
 */
export interface DashboardClaims extends Omit<AccessClaims, 'typ'> {
  typ: 'dashboard';
  /** True when the dashboard's sign-in opened the session itself (its sign-out then ends that session). */
  own: boolean;
}

const ALGORITHM = 'HS256';

/**
 * Access tokens are short-lived HS256 JWTs (the algorithm is pinned on verification, so `alg: none`
 * or any other algorithm is refused). Refresh tokens are opaque random strings; only their SHA-256
 * is ever stored.
 */
@Injectable()
export class TokenService {
  constructor(
    private readonly jwt: JwtService,
    private readonly config: AppConfig,
  ) {}

  signAccessToken(claims: Omit<AccessClaims, 'typ'>): Promise<string> {
    const payload: AccessClaims = { sub: claims.sub, role: claims.role, sid: claims.sid, ver: claims.ver, typ: 'access' };
    return this.jwt.signAsync(payload, { algorithm: ALGORITHM, expiresIn: this.config.accessTokenTtlSeconds });
  }

  /** The claims of a valid access token, or null for anything else (bad signature, expired, wrong type...). */
  async verifyAccessToken(token: string): Promise<AccessClaims | null> {
    try {
      const claims = await this.jwt.verifyAsync<Record<string, unknown>>(token, { algorithms: [ALGORITHM] });
      const { sub, role, sid, ver, typ } = claims;
      if (typ !== 'access' || typeof sub !== 'string' || typeof sid !== 'string' || !Number.isInteger(ver) || (role !== 'USER' && role !== 'ADMIN')) {
        return null;
      }
      return { sub, role, sid, ver: ver as number, typ };
    } catch {
      return null;
    }
  }

  signDashboardToken(claims: Omit<DashboardClaims, 'typ'>, ttlSeconds: number): Promise<string> {
    const payload: DashboardClaims = { sub: claims.sub, role: claims.role, sid: claims.sid, ver: claims.ver, own: claims.own, typ: 'dashboard' };
    return this.jwt.signAsync(payload, { algorithm: ALGORITHM, expiresIn: ttlSeconds });
  }

  /** The claims (and expiry, seconds since the epoch) of a valid dashboard token, or null. */
  async verifyDashboardToken(token: string): Promise<(DashboardClaims & { exp: number }) | null> {
    try {
      const claims = await this.jwt.verifyAsync<Record<string, unknown>>(token, { algorithms: [ALGORITHM] });
      const { sub, role, sid, ver, typ, own, exp } = claims;
      if (typ !== 'dashboard' || typeof sub !== 'string' || typeof sid !== 'string' || !Number.isInteger(ver) || (role !== 'USER' && role !== 'ADMIN')) {
        return null;
      }
      return { sub, role, sid, ver: ver as number, own: own === true, typ, exp: Number(exp) };
    } catch {
      return null;
    }
  }

  /** A new opaque refresh token (32 random bytes, base64url) and the hash it is stored under. */
  newRefreshToken(): { token: string; hash: string } {
    const token = randomBytes(32).toString('base64url');
    return { token, hash: this.hashRefreshToken(token) };
  }

  hashRefreshToken(token: string): string {
    return createHash('sha256').update(token, 'utf8').digest('hex');
  }
}
