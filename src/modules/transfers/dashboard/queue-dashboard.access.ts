import { Logger } from '@nestjs/common';
import { CommandBus } from '@nestjs/cqrs';
import { ThrottlerStorage } from '@nestjs/throttler';
import type { NextFunction, Request, Response } from 'express';
import type { AuthUser } from '../../../common/decorators/auth.decorators';
import { DomainError, dependencyOf } from '../../../common/errors';
import { AppConfig } from '../../../config/app-config';
import type { TokenPairDto } from '../../auth';
import { LoginCommand, LogoutCommand, SessionValidator, TokenService } from '../../auth';
import { normalisePhone } from '../../users';
import { forbiddenPage, signInPage } from './queue-dashboard.pages';

export const QUEUE_DASHBOARD_ROUTE = '/admin/queues';
/** The cookie holding the dashboard credential (a dashboard token, never an access token). */
export const QUEUE_DASHBOARD_COOKIE = 'dompet_queues_session';
/** How long a dashboard sign-in lasts; every request still checks the session, the user's status and role. */
export const QUEUE_DASHBOARD_SESSION_SECONDS = 900;

const BEARER = /^Bearer ([A-Za-z0-9._~+/-]+=*)$/i;
const PIN = /^\d{6}$/;

type Failure = { status: number; message: string; code: string; retryAfter?: number };

/**
 * Access to Bull Board at `/admin/queues` (plain Express middleware in front of it), for admins only.
 *
 * - `GET /admin/queues/login`: a sign-in form (phone number and PIN, posted in the body).
 * - `POST /admin/queues/session`: signs in through `LoginCommand` (so the same PIN attempt budget and
 *   lock as `POST /login`), or with `access_token` in the body of an administrator already signed in;
 *   sets an HttpOnly, SameSite=Strict cookie scoped to `/admin/queues` (Secure in production) holding
 *   a short-lived dashboard token of that session.
 * - `GET|POST /admin/queues/logout`: clears the cookie and ends the session the sign-in opened.
 * - Everything else needs that cookie or an `Authorization: Bearer` access token of an ADMIN: without
 *   one a browser is sent to the form and any other client gets 401; a non-admin gets 403.
 *
 * A token in the URL (`?access_token=`) is never accepted: URLs end up in logs and browser history.
 */
export class QueueDashboardAccess {
  private readonly logger = new Logger('QueueDashboard');

  constructor(
    private readonly tokens: TokenService,
    private readonly sessions: SessionValidator,
    private readonly commands: CommandBus,
    private readonly config: AppConfig,
    private readonly throttle: ThrottlerStorage,
  ) {}

  /** The Express middleware. */
  readonly middleware = (req: Request, res: Response, next: NextFunction): void => {
    this.handle(req, res, next).catch((err: unknown) => {
      this.logger.warn(`dashboard access check failed: ${(err as Error).message}`);
      if (!res.headersSent) this.fail(req, res, { status: 503, message: 'Service temporarily unavailable; please retry', code: 'SERVICE_UNAVAILABLE' });
    });
  };

  private async handle(req: Request, res: Response, next: NextFunction): Promise<void> {
    const path = this.pathOf(req);
    if (path === '/login' && req.method === 'GET') return this.showSignIn(req, res);
    if (path === '/session') {
      if (req.method !== 'POST') return void res.status(405).set('Allow', 'POST').json({ message: 'Use POST', code: 'METHOD_NOT_ALLOWED' });
      return this.signIn(req, res);
    }
    if (path === '/logout' && (req.method === 'POST' || req.method === 'GET')) return this.signOut(req, res);

    const user = await this.authenticate(req);
    if (!user) {
      if (this.cookieOf(req)) this.clearCookie(res);
      if (req.method === 'GET' && this.wantsHtml(req)) return void res.redirect(303, `${QUEUE_DASHBOARD_ROUTE}/login`);
      return void res.status(401).json({ message: 'Unauthenticated', code: 'UNAUTHENTICATED' });
    }
    if (user.role !== 'ADMIN') {
      if (this.wantsHtml(req)) return void this.html(res, 403, forbiddenPage(QUEUE_DASHBOARD_ROUTE));
      return void res.status(403).json({ message: 'Only administrators can see the queues', code: 'FORBIDDEN' });
    }
    next();
  }

  /** The path below the dashboard's route (`/`, `/login`, `/api/queues`, …), whatever the mount point. */
  private pathOf(req: Request): string {
    const pathname = (req.originalUrl ?? req.url).split('?')[0];
    const rest = pathname.startsWith(QUEUE_DASHBOARD_ROUTE) ? pathname.slice(QUEUE_DASHBOARD_ROUTE.length) : pathname;
    return rest.replace(/\/+$/, '') || '/';
  }

  private wantsHtml(req: Request): boolean {
    return req.accepts(['json', 'html']) === 'html';
  }

  private cookieOf(req: Request): string | null {
    for (const part of (req.headers.cookie ?? '').split(';')) {
      const [name, ...value] = part.trim().split('=');
      if (name === QUEUE_DASHBOARD_COOKIE && value.length) {
        try {
          return decodeURIComponent(value.join('=')) || null;
        } catch {
          return null;
        }
      }
    }
    return null;
  }

  /** The user of the request's Bearer access token or dashboard cookie, if valid; never from the URL. */
  private async authenticate(req: Request): Promise<AuthUser | null> {
    const bearer = BEARER.exec(req.headers.authorization ?? '');
    if (bearer) {
      const claims = await this.tokens.verifyAccessToken(bearer[1]);
      return claims ? this.validate(claims) : null;
    }
    const cookie = this.cookieOf(req);
    if (!cookie) return null;
    const claims = await this.tokens.verifyDashboardToken(cookie);
    return claims ? this.validate({ ...claims, typ: 'access' }) : null;
  }

  private async validate(claims: Parameters<SessionValidator['validate']>[0]): Promise<AuthUser | null> {
    try {
      return await this.sessions.validate(claims);
    } catch (err) {
      if (err instanceof DomainError) return null;
      throw err;
    }
  }

  private showSignIn(req: Request, res: Response): void {
    const signedOut = req.query.signed_out !== undefined;
    this.html(res, 200, signInPage(QUEUE_DASHBOARD_ROUTE, signedOut ? { text: 'You are signed out.', kind: 'info' } : undefined));
  }

  private async signIn(req: Request, res: Response): Promise<void> {
    // A form posted from another site is refused (the cookie itself is SameSite=Strict).
    if (!this.sameOrigin(req)) return this.fail(req, res, { status: 403, message: 'Sign in from the dashboard itself', code: 'FORBIDDEN' });
    const limited = await this.rateLimited(req);
    if (limited) return this.fail(req, res, limited);

    const body = (req.body ?? {}) as Record<string, unknown>;
    let claims: { sub: string; role: AuthUser['role']; sid: string; ver: number } | null;
    let own = false;
    if (typeof body.access_token === 'string' && body.access_token) {
      claims = await this.tokens.verifyAccessToken(body.access_token);
      if (!claims) return this.fail(req, res, { status: 401, message: 'Unauthenticated', code: 'UNAUTHENTICATED' });
    } else {
      const phone = normalisePhone(body.phone_number);
      const pin = typeof body.pin === 'string' ? body.pin.trim() : '';
      if (!phone || !PIN.test(pin)) {
        return this.fail(req, res, { status: 400, message: 'Enter an Indonesian mobile number and a 6-digit PIN', code: 'VALIDATION_FAILED' });
      }
      let pair: TokenPairDto;
      try {
        // The same use case as POST /login: the PIN attempt budget and lock of the number apply.
        pair = await this.commands.execute(new LoginCommand(phone, pin));
      } catch (err) {
        return this.fail(req, res, this.failureOf(err));
      }
      claims = await this.tokens.verifyAccessToken(pair.access_token);
      own = true;
      if (!claims) return this.fail(req, res, { status: 401, message: 'Unauthenticated', code: 'UNAUTHENTICATED' });
    }
    const user = await this.validate({ ...claims, typ: 'access' });
    if (!user) return this.fail(req, res, { status: 401, message: 'Unauthenticated', code: 'UNAUTHENTICATED' });
    if (user.role !== 'ADMIN') {
      // The session the form just opened is of no use to anyone: end it.
      if (own) await this.commands.execute(new LogoutCommand(claims.sub, claims.sid)).catch(() => undefined);
      if (this.wantsHtml(req)) return this.html(res, 403, signInPage(QUEUE_DASHBOARD_ROUTE, { text: 'Only administrators can see the queues.', kind: 'error' }));
      return void res.status(403).json({ message: 'Only administrators can see the queues', code: 'FORBIDDEN' });
    }
    const token = await this.tokens.signDashboardToken({ sub: claims.sub, role: user.role, sid: claims.sid, ver: claims.ver, own }, QUEUE_DASHBOARD_SESSION_SECONDS);
    res.cookie(QUEUE_DASHBOARD_COOKIE, token, { ...this.cookieOptions(), maxAge: QUEUE_DASHBOARD_SESSION_SECONDS * 1000 });
    res.set('Cache-Control', 'no-store');
    if (this.wantsHtml(req)) return void res.redirect(303, QUEUE_DASHBOARD_ROUTE);
    res.status(200).json({ status: 'SUCCESS', result: { signed_in: true, expires_in: QUEUE_DASHBOARD_SESSION_SECONDS } });
  }

  private async signOut(req: Request, res: Response): Promise<void> {
    const cookie = this.cookieOf(req);
    const claims = cookie ? await this.tokens.verifyDashboardToken(cookie) : null;
    // Ends the session only when the dashboard's own sign-in opened it (not an API session whose token was handed over).
    if (claims?.own) await this.commands.execute(new LogoutCommand(claims.sub, claims.sid)).catch(() => undefined);
    this.clearCookie(res);
    res.set('Cache-Control', 'no-store');
    if (this.wantsHtml(req)) return void res.redirect(303, `${QUEUE_DASHBOARD_ROUTE}/login?signed_out`);
    res.status(200).json({ status: 'SUCCESS', result: { signed_out: true } });
  }

  private cookieOptions() {
    return { httpOnly: true, sameSite: 'strict' as const, path: QUEUE_DASHBOARD_ROUTE, secure: this.config.nodeEnv === 'production' };
  }

  private clearCookie(res: Response): void {
    res.clearCookie(QUEUE_DASHBOARD_COOKIE, this.cookieOptions());
  }

  private sameOrigin(req: Request): boolean {
    const origin = req.headers.origin;
    if (!origin) return true;
    try {
      return new URL(origin).host === req.headers.host;
    } catch {
      return false;
    }
  }

  /** The per-address limit of the auth routes (`THROTTLE_LIMIT` per `THROTTLE_TTL_SECONDS`) applies to the form too. */
  private async rateLimited(req: Request): Promise<Failure | null> {
    const ttlMs = this.config.throttleTtlSeconds * 1000;
    const { isBlocked, timeToBlockExpire } = await this.throttle.increment(`queue-dashboard-sign-in-${req.ip}`, ttlMs, this.config.throttleLimit, ttlMs, 'default');
    return isBlocked ? { status: 429, message: 'Too many requests, please slow down', code: 'RATE_LIMITED', retryAfter: timeToBlockExpire } : null;
  }

  private failureOf(err: unknown): Failure {
    if (err instanceof DomainError) {
      const retryAfter = typeof err.details.retry_after_seconds === 'number' ? err.details.retry_after_seconds : undefined;
      return { status: err.status, message: err.message, code: err.code, retryAfter };
    }
    if (dependencyOf(err)) return { status: 503, message: 'Service temporarily unavailable; please retry', code: 'SERVICE_UNAVAILABLE' };
    throw err;
  }

  private fail(req: Request, res: Response, failure: Failure): void {
    if (failure.retryAfter !== undefined) res.set('Retry-After', String(failure.retryAfter));
    res.set('Cache-Control', 'no-store');
    if (this.wantsHtml(req)) return this.html(res, failure.status, signInPage(QUEUE_DASHBOARD_ROUTE, { text: failure.message, kind: 'error' }));
    res.status(failure.status).json({ message: failure.message, code: failure.code, ...(failure.retryAfter !== undefined ? { retry_after_seconds: failure.retryAfter } : {}) });
  }

  private html(res: Response, status: number, body: string): void {
    res.status(status).set('Cache-Control', 'no-store').type('html').send(body);
  }
}
