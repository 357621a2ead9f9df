/** At most this many retries, whatever the settings (a bound on the jobs one event can make). */
const MAX_RETRIES = 200;

export interface RetrySettings {
  /** The first retry's delay; each next one doubles, up to `maxMs`. */
  firstMs: number;
  maxMs: number;
  /** Retries are scheduled while their total delay stays within this window; then the delivery is failed. */
  windowSeconds: number;
}

/**
 * The delays before each retry of a failed delivery: exponential (`firstMs`, ×2 each time, capped at
 * `maxMs`), for as long as their sum stays within the window (a day by default: 30 s, 1 min, 2 min, …,
 * then hourly; 29 retries, the last ≈ 23 h after the first attempt).
 */
export function retryDelays(s: RetrySettings): number[] {
  const delays: number[] = [];
  let total = 0;
  for (let k = 0; delays.length < MAX_RETRIES; k++) {
    const delay = Math.min(s.firstMs * 2 ** Math.min(k, 40), s.maxMs);
    if (total + delay > s.windowSeconds * 1000) break;
    delays.push(delay);
    total += delay;
  }
  return delays;
}

/** Bull's attempts for one delivery: the first one and every retry. */
export function deliveryAttempts(s: RetrySettings): number {
  return retryDelays(s).length + 1;
}

/** The delay before the retry that follows failed attempt number `attemptsMade` (1 = the first attempt). */
export function retryDelayAfter(s: RetrySettings, attemptsMade: number): number {
  const delays = retryDelays(s);
  return delays[Math.max(0, attemptsMade - 1)] ?? delays[delays.length - 1] ?? s.firstMs;
}
