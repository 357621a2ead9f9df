import * as Joi from 'joi';
import { setFlagsFromString } from 'node:v8';

/** The JWT secret shipped in `.env.example`; the service refuses to start with it in production. */
export const DEVELOPMENT_JWT_SECRET = 'dompet-development-secret-change-me-0123456789';
export const DEVELOPMENT_ADMIN_PIN = '246810';

export type ProcessRole = 'all' | 'api' | 'worker';

const schema = Joi.object({
  NODE_ENV: Joi.string().valid('development', 'production', 'test').default('development'),
  HOST: Joi.string().default('127.0.0.1'),
  PORT: Joi.number().port().default(3000),
  APP_ROLE: Joi.string().valid('all', 'api', 'worker').default('all'),
  LOG_LEVEL: Joi.string().valid('fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent').default('info'),
  BODY_LIMIT: Joi.string().default('100kb'),
  CORS_ORIGINS: Joi.string().allow('').default(''),
  PUBLIC_BASE_URL: Joi.string().uri({ scheme: ['http', 'https'] }).allow('').optional(),
  APP_TIME_ZONE: Joi.string()
    .default('Asia/Jakarta')
    .custom((value: string) => {
      new Intl.DateTimeFormat('en-US', { timeZone: value });
      return value;
    }, 'IANA time zone'),

  MONGODB_URI: Joi.string().uri({ scheme: ['mongodb', 'mongodb+srv'] }).required(),
  MONGODB_DB: Joi.string().pattern(/^[A-Za-z0-9_-]{1,60}$/).default('dompet'),
  REDIS_URL: Joi.string().uri({ scheme: ['redis', 'rediss'] }).required(),
  REDIS_PREFIX: Joi.string().pattern(/^[A-Za-z0-9_:-]{1,60}$/).default('dompet'),

  JWT_SECRET: Joi.string().min(32).default(DEVELOPMENT_JWT_SECRET),
  ACCESS_TOKEN_TTL_SECONDS: Joi.number().integer().min(10).max(3600).default(300),
  REFRESH_TOKEN_TTL_SECONDS: Joi.number().integer().min(60).default(30 * 24 * 3600),
  REFRESH_REUSE_GRACE_SECONDS: Joi.number().integer().min(0).max(60).default(5),
  SESSION_CACHE_SECONDS: Joi.number().integer().min(0).max(3600).default(60),
  PIN_MAX_ATTEMPTS: Joi.number().integer().min(1).max(100).default(5),
  PIN_LOCK_SECONDS: Joi.number().integer().min(1).default(900),
  THROTTLE_TTL_SECONDS: Joi.number().integer().min(1).default(60),
  THROTTLE_LIMIT: Joi.number().integer().min(1).default(600),
  LOOKUP_USER_LIMIT_PER_MINUTE: Joi.number().integer().min(1).default(10),
  LOOKUP_USER_LIMIT_PER_DAY: Joi.number().integer().min(1).default(100),
  LOOKUP_ADDRESS_LIMIT_PER_MINUTE: Joi.number().integer().min(1).default(30),

  ADMIN_PHONE: Joi.string().default('081100000000'),
  ADMIN_PIN: Joi.string().pattern(/^\d{6}$/).default(DEVELOPMENT_ADMIN_PIN),

  MAX_TRANSACTION_AMOUNT: Joi.number().integer().min(1).max(Number.MAX_SAFE_INTEGER).default(10_000_000),
  MAX_BALANCE: Joi.number().integer().min(1).max(Number.MAX_SAFE_INTEGER).default(100_000_000),
  IDEMPOTENCY_TTL_SECONDS: Joi.number().integer().min(60).default(24 * 3600),
  HOLD_MAX_SECONDS: Joi.number().integer().min(1).max(30 * 24 * 3600).default(24 * 3600),
  EVENTS_POLL_MS: Joi.number().integer().min(50).max(60_000).default(1000),
  EVENTS_HEARTBEAT_SECONDS: Joi.number().integer().min(1).max(300).default(15),
  EVENTS_MAX_STREAMS_PER_USER: Joi.number().integer().min(1).max(100).default(5),
  EVENTS_MAX_STREAMS_PER_PROCESS: Joi.number().integer().min(1).max(100_000).default(1000),
  WEBHOOK_ALLOW_PRIVATE_TARGETS: Joi.boolean().truthy('1').falsy('0').optional(),
  WEBHOOK_TIMEOUT_MS: Joi.number().integer().min(100).max(60_000).default(10_000),
  WEBHOOK_MAX_RESPONSE_BYTES: Joi.number().integer().min(0).max(10 * 1024 * 1024).default(64 * 1024),
  WEBHOOK_BACKOFF_MS: Joi.number().integer().min(10).default(30_000),
  WEBHOOK_BACKOFF_MAX_MS: Joi.number().integer().min(10).default(3_600_000),
  WEBHOOK_RETRY_WINDOW_SECONDS: Joi.number().integer().min(0).max(30 * 24 * 3600).default(24 * 3600),
  WEBHOOK_CATCHUP_MS: Joi.number().integer().min(100).default(300_000),

  TRANSFER_ATTEMPTS: Joi.number().integer().min(1).max(50).default(6),
  TRANSFER_BACKOFF_MS: Joi.number().integer().min(10).default(500),
  ENQUEUE_TIMEOUT_MS: Joi.number().integer().min(50).max(60_000).default(2_000),
  TRANSFER_CONCURRENCY: Joi.number().integer().min(1).max(64).default(16),
  SWEEP_INTERVAL_MS: Joi.number().integer().min(100).default(15_000),
  SWEEP_MIN_AGE_MS: Joi.number().integer().min(0).default(30_000),
  MAINTENANCE_INTERVAL_MS: Joi.number().integer().min(1000).default(3_600_000),
  HEAP_GROWING_PERCENT: Joi.number().integer().min(0).max(1000).default(100),
}).unknown(true);

export interface AppConfigValues {
  nodeEnv: 'development' | 'production' | 'test';
  host: string;
  port: number;
  role: ProcessRole;
  logLevel: string;
  bodyLimit: string;
  corsOrigins: string[];
  /** Where clients reach the API (the OpenAPI document's `servers`); unset: the address each request came to. */
  publicBaseUrl?: string;
  timeZone: string;
  mongodbUri: string;
  mongodbDb: string;
  redisUrl: string;
  redisPrefix: string;
  jwtSecret: string;
  accessTokenTtlSeconds: number;
  refreshTokenTtlSeconds: number;
  refreshReuseGraceSeconds: number;
  sessionCacheSeconds: number;
  pinMaxAttempts: number;
  eventsPollMs: number;
  eventsHeartbeatSeconds: number;
  eventsMaxStreamsPerUser: number;
  eventsMaxStreamsPerProcess: number;
  /** Webhook URLs may point at private, loopback or link-local addresses (default: only outside production). */
  webhookAllowPrivateTargets: boolean;
  /** Whole-delivery time limit (connect, send, response) and the most response bytes read. */
  webhookTimeoutMs: number;
  webhookMaxResponseBytes: number;
  /** First retry delay of a failed delivery (doubling each time, at most `webhookBackoffMaxMs`), and how long retries go on. */
  webhookBackoffMs: number;
  webhookBackoffMaxMs: number;
  webhookRetryWindowSeconds: number;
  /** How often the worker's catch-up looks for wallet events the doorbell did not announce. */
  webhookCatchUpMs: number;
  pinLockSeconds: number;
  throttleTtlSeconds: number;
  throttleLimit: number;
  /** `GET /users/lookup` per signed-in user per minute / per day, and per client address per minute. */
  lookupUserLimitPerMinute: number;
  lookupUserLimitPerDay: number;
  lookupAddressLimitPerMinute: number;
  adminPhone: string;
  adminPin: string;
  maxTransactionAmount: number;
  maxBalance: number;
  idempotencyTtlSeconds: number;
  /** The longest `expires_in_seconds` a hold may ask for (POST /holds). */
  holdMaxSeconds: number;
  transferAttempts: number;
  transferBackoffMs: number;
  /** How long `POST /transfer` waits for Redis to take the job before leaving it to the recovery sweep. */
  enqueueTimeoutMs: number;
  /** Jobs a worker process runs at once on each queue (transfers, hold expiries, webhook deliveries). */
  transferConcurrency: number;
  sweepIntervalMs: number;
  sweepMinAgeMs: number;
  maintenanceIntervalMs: number;
  /**
   * How far V8 lets the old generation grow past what survived the last full collection before the next
   * one: (1 + percent/100)× (0: V8's own heuristics, up to 4×). See `applyRuntimeTuning`.
   */
  heapGrowingPercent: number;
}

export class ConfigError extends Error {}

/**
 * Typed, validated configuration. Built once at boot from the environment;
 * an invalid or unsafe configuration stops the process with one clear message.
 */
export class AppConfig implements AppConfigValues {
  readonly nodeEnv!: AppConfigValues['nodeEnv'];
  readonly host!: string;
  readonly port!: number;
  readonly role!: ProcessRole;
  readonly logLevel!: string;
  readonly bodyLimit!: string;
  readonly corsOrigins!: string[];
  readonly publicBaseUrl?: string;
  readonly timeZone!: string;
  readonly mongodbUri!: string;
  readonly mongodbDb!: string;
  readonly redisUrl!: string;
  readonly redisPrefix!: string;
  readonly jwtSecret!: string;
  readonly accessTokenTtlSeconds!: number;
  readonly refreshTokenTtlSeconds!: number;
  readonly refreshReuseGraceSeconds!: number;
  readonly sessionCacheSeconds!: number;
  readonly pinMaxAttempts!: number;
  readonly eventsPollMs!: number;
  readonly eventsHeartbeatSeconds!: number;
  readonly eventsMaxStreamsPerUser!: number;
  readonly eventsMaxStreamsPerProcess!: number;
  readonly webhookAllowPrivateTargets!: boolean;
  readonly webhookTimeoutMs!: number;
  readonly webhookMaxResponseBytes!: number;
  readonly webhookBackoffMs!: number;
  readonly webhookBackoffMaxMs!: number;
  readonly webhookRetryWindowSeconds!: number;
  readonly webhookCatchUpMs!: number;
  readonly pinLockSeconds!: number;
  readonly throttleTtlSeconds!: number;
  readonly throttleLimit!: number;
  readonly lookupUserLimitPerMinute!: number;
  readonly lookupUserLimitPerDay!: number;
  readonly lookupAddressLimitPerMinute!: number;
  readonly adminPhone!: string;
  readonly adminPin!: string;
  readonly maxTransactionAmount!: number;
  readonly maxBalance!: number;
  readonly idempotencyTtlSeconds!: number;
  readonly holdMaxSeconds!: number;
  readonly transferAttempts!: number;
  readonly transferBackoffMs!: number;
  readonly enqueueTimeoutMs!: number;
  readonly transferConcurrency!: number;
  readonly sweepIntervalMs!: number;
  readonly sweepMinAgeMs!: number;
  readonly maintenanceIntervalMs!: number;
  readonly heapGrowingPercent!: number;

  private constructor(values: AppConfigValues) {
    Object.assign(this, values);
    Object.freeze(this);
  }

  get runsApi(): boolean {
    return this.role !== 'worker';
  }

  get runsWorker(): boolean {
    return this.role !== 'api';
  }

  /** The configuration of a process started in one role, whatever `APP_ROLE` says (`node dist/worker.js`). */
  static forRole(role: ProcessRole, env: NodeJS.ProcessEnv = process.env): AppConfig {
    return AppConfig.fromEnv({ ...env, APP_ROLE: role });
  }

  static fromEnv(env: NodeJS.ProcessEnv = process.env): AppConfig {
    const { error, value } = schema.validate(env, { abortEarly: false, convert: true });
    if (error) {
      throw new ConfigError(`Invalid configuration: ${error.details.map((d) => d.message).join('; ')}`);
    }
    const v = value as Record<string, any>;
    const config = new AppConfig({
      nodeEnv: v.NODE_ENV,
      host: v.HOST,
      port: v.PORT,
      role: v.APP_ROLE,
      logLevel: v.LOG_LEVEL,
      bodyLimit: v.BODY_LIMIT,
      corsOrigins: String(v.CORS_ORIGINS)
        .split(',')
        .map((s) => s.trim())
        .filter(Boolean),
      publicBaseUrl: v.PUBLIC_BASE_URL ? String(v.PUBLIC_BASE_URL).replace(/\/+$/, '') : undefined,
      timeZone: v.APP_TIME_ZONE,
      mongodbUri: v.MONGODB_URI,
      mongodbDb: v.MONGODB_DB,
      redisUrl: v.REDIS_URL,
      redisPrefix: v.REDIS_PREFIX,
      jwtSecret: v.JWT_SECRET,
      accessTokenTtlSeconds: v.ACCESS_TOKEN_TTL_SECONDS,
      refreshTokenTtlSeconds: v.REFRESH_TOKEN_TTL_SECONDS,
      refreshReuseGraceSeconds: v.REFRESH_REUSE_GRACE_SECONDS,
      sessionCacheSeconds: v.SESSION_CACHE_SECONDS,
      pinMaxAttempts: v.PIN_MAX_ATTEMPTS,
      pinLockSeconds: v.PIN_LOCK_SECONDS,
      throttleTtlSeconds: v.THROTTLE_TTL_SECONDS,
      throttleLimit: v.THROTTLE_LIMIT,
      lookupUserLimitPerMinute: v.LOOKUP_USER_LIMIT_PER_MINUTE,
      lookupUserLimitPerDay: v.LOOKUP_USER_LIMIT_PER_DAY,
      lookupAddressLimitPerMinute: v.LOOKUP_ADDRESS_LIMIT_PER_MINUTE,
      adminPhone: v.ADMIN_PHONE,
      adminPin: v.ADMIN_PIN,
      maxTransactionAmount: v.MAX_TRANSACTION_AMOUNT,
      maxBalance: v.MAX_BALANCE,
      idempotencyTtlSeconds: v.IDEMPOTENCY_TTL_SECONDS,
      holdMaxSeconds: v.HOLD_MAX_SECONDS,
      eventsPollMs: v.EVENTS_POLL_MS,
      eventsHeartbeatSeconds: v.EVENTS_HEARTBEAT_SECONDS,
      eventsMaxStreamsPerUser: v.EVENTS_MAX_STREAMS_PER_USER,
      eventsMaxStreamsPerProcess: v.EVENTS_MAX_STREAMS_PER_PROCESS,
      webhookAllowPrivateTargets: v.WEBHOOK_ALLOW_PRIVATE_TARGETS ?? v.NODE_ENV !== 'production',
      webhookTimeoutMs: v.WEBHOOK_TIMEOUT_MS,
      webhookMaxResponseBytes: v.WEBHOOK_MAX_RESPONSE_BYTES,
      webhookBackoffMs: v.WEBHOOK_BACKOFF_MS,
      webhookBackoffMaxMs: v.WEBHOOK_BACKOFF_MAX_MS,
      webhookRetryWindowSeconds: v.WEBHOOK_RETRY_WINDOW_SECONDS,
      webhookCatchUpMs: v.WEBHOOK_CATCHUP_MS,
      transferAttempts: v.TRANSFER_ATTEMPTS,
      transferBackoffMs: v.TRANSFER_BACKOFF_MS,
      enqueueTimeoutMs: v.ENQUEUE_TIMEOUT_MS,
      transferConcurrency: v.TRANSFER_CONCURRENCY,
      sweepIntervalMs: v.SWEEP_INTERVAL_MS,
      sweepMinAgeMs: v.SWEEP_MIN_AGE_MS,
      maintenanceIntervalMs: v.MAINTENANCE_INTERVAL_MS,
      heapGrowingPercent: v.HEAP_GROWING_PERCENT,
    });
    if (config.nodeEnv === 'production') {
      if (config.jwtSecret === DEVELOPMENT_JWT_SECRET) {
        throw new ConfigError('Refusing to start in production with the development JWT_SECRET: set a random secret of 32+ characters.');
      }
      if (config.adminPin === DEVELOPMENT_ADMIN_PIN) {
        throw new ConfigError('Refusing to start in production with the development ADMIN_PIN: set ADMIN_PIN.');
      }
    }
    return config;
  }
}

/** Allocator options for the native modules that read them from the environment when they load. */
const NATIVE_MEMORY_DEFAULTS: Record<string, string> = {
  // `@node-rs/argon2` allocates through mimalloc, whose default keeps the 19 MiB of a PIN hash (the
  // argon2 memory cost) on the libuv thread that computed it until that thread allocates again, 10 ms
  // later at the earliest; threadpool threads sit idle between hashes, so each kept its last 19 MiB
  // or more for good: 80 to 150 MB of RSS after a few logins on four threads. With 0 the pages go back
  // to the kernel when a hash ends (docs/performance.md, Memory).
  MIMALLOC_PURGE_DELAY: '0',
};

/**
 * Runs `load` (a `require` of a native module) with `NATIVE_MEMORY_DEFAULTS` in the environment, for
 * the options the environment does not set already, and takes them out again afterwards: the module
 * reads them once, at load, and child processes do not inherit them.
 */
export function loadWithNativeMemoryDefaults<T>(load: () => T, env: NodeJS.ProcessEnv = process.env): T {
  const added = Object.keys(NATIVE_MEMORY_DEFAULTS).filter((name) => env[name] === undefined);
  for (const name of added) env[name] = NATIVE_MEMORY_DEFAULTS[name];
  try {
    return load();
  } finally {
    for (const name of added) delete env[name];
  }
}

/**
 * Process-wide tuning taken from the config, applied once at start, before the application is built.
 * Under a high request rate most of what the young generation promotes is short-lived (requests in
 * flight across two scavenges), and V8 lets the old generation grow to as much as 4× what survived the
 * last full collection before it collects again: the API's RSS under `POST /pay` peaked at 300–344 MB with
 * 40–55 MB live. A growing factor of 2 (`HEAP_GROWING_PERCENT=100`) collects that garbage sooner: 211–217
 * MB at the same rate (docs/performance.md, "Memory"). It is no cap: a heap with more live data still
 * grows, by that factor, as far as Node's own limit.
 */
export function applyRuntimeTuning(config: Pick<AppConfig, 'heapGrowingPercent'>): void {
  if (config.heapGrowingPercent > 0) setFlagsFromString(`--heap-growing-percent=${config.heapGrowingPercent}`);
}
