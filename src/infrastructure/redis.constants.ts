export const REDIS = Symbol('REDIS');
/** A second client whose every key starts with `<REDIS_PREFIX>:throttle:`, for the rate limiter's storage. */
export const THROTTLER_REDIS = Symbol('THROTTLER_REDIS');
