import { AsyncLocalStorage } from 'node:async_hooks';
import type { NextFunction, Request, Response } from 'express';

/** The response header that marks a replayed answer (Stripe's convention). */
export const IDEMPOTENT_REPLAYED = 'Idempotent-Replayed';

const current = new AsyncLocalStorage<Response>();

/**
 * Express middleware that makes the response reachable from code running for this request, so the
 * idempotency service can mark a replay without every command handler passing the fact back.
 * Registered after the body parsers (their stream callbacks would lose the context).
 */
export function idempotentReplayContext() {
  return (_req: Request, res: Response, next: NextFunction) => current.run(res, next);
}

/** Marks the answer of the current HTTP request, success or refusal, as a replay (`Idempotent-Replayed: true`); a no-op outside a request. */
export function markIdempotentReplay(): void {
  const res = current.getStore();
  if (res && !res.headersSent) res.setHeader(IDEMPOTENT_REPLAYED, 'true');
}
