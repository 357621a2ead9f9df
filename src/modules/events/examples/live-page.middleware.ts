import { Injectable, NestMiddleware } from '@nestjs/common';
import type { NextFunction, Request, Response } from 'express';
import { LIVE_PAGE_CSS, LIVE_PAGE_HTML, LIVE_PAGE_JS } from './live-page.assets';

export const LIVE_PAGE_ROUTE = '/examples/live';

/** Same-origin only, no inline script or style: the page needs nothing more. */
const CSP = "default-src 'none'; script-src 'self'; style-src 'self'; connect-src 'self'; img-src 'self' data:; base-uri 'none'; form-action 'self'; frame-ancestors 'none'";

const FILES: Record<string, { type: string; body: string }> = {
  [LIVE_PAGE_ROUTE]: { type: 'text/html; charset=utf-8', body: LIVE_PAGE_HTML },
  [`${LIVE_PAGE_ROUTE}.js`]: { type: 'text/javascript; charset=utf-8', body: LIVE_PAGE_JS },
  [`${LIVE_PAGE_ROUTE}.css`]: { type: 'text/css; charset=utf-8', body: LIVE_PAGE_CSS },
};

/**
 * Serves the reference page (`/examples/live`, its script and its style sheet): public, static, with a
 * Content-Security-Policy of its own that allows only same-origin script, style and requests. Not an API
 * operation, so it is not in the OpenAPI document (like Swagger UI and the queue dashboard).
 */
@Injectable()
export class LivePageMiddleware implements NestMiddleware {
  use(req: Request, res: Response, next: NextFunction): void {
    const file = FILES[req.baseUrl + req.path] ?? FILES[req.path];
    if (!file || (req.method !== 'GET' && req.method !== 'HEAD')) return next();
    res.setHeader('Content-Type', file.type);
    res.setHeader('Content-Security-Policy', CSP);
    res.setHeader('Cache-Control', 'no-cache');
    res.status(200).send(file.body);
  }
}
