import { NestFactory } from '@nestjs/core';
import { NestExpressApplication } from '@nestjs/platform-express';
import { randomBytes } from 'node:crypto';
import { Db, MongoClient } from 'mongodb';
import request from 'supertest';
import { AppModule } from '../../src/app.module';
import { configureApp } from '../../src/bootstrap';
import { AppConfig } from '../../src/config/app-config';
import { BLACK_BOX, E2E_BASE_URL } from './modes';

// eslint-disable-next-line @typescript-eslint/no-require-imports
const migrateMongo = require('migrate-mongo');

export interface TestApp {
  /** `in-process` (the default) or `black-box` (`E2E_BASE_URL` is set: a running deployment, HTTP only). */
  mode: 'in-process' | 'black-box';
  /** True in-process, where `app`, `db` and every `config` value are there. */
  inProcess: boolean;
  /** The application under test. Absent in black-box mode: reading it throws. */
  app: NestExpressApplication;
  /**
   * The service's configuration. In black-box mode only what the contract makes visible is known:
   * the documented defaults (or `E2E_<KEY>` overrides) and the admin login from `E2E_ADMIN_PHONE` /
   * `E2E_ADMIN_PIN`; reading a secret or an internal value (JWT secret, database, Redis) throws.
   */
  config: AppConfig;
  baseUrl: string;
  /** Native driver handle on this test file's own database (for assertions only). Absent in black-box mode: reading it throws. */
  db: Db;
  http: () => request.Agent;
  /** Stops the app and drops its database, unless `keepDatabase` (another app still uses it). */
  close: (options?: { keepDatabase?: boolean }) => Promise<void>;
}

function requireEnv(name: string): string {
  const value = process.env[name];
  if (!value) {
    throw new Error(`${name} is not set: run the suite with \`npm test\`, which starts FerretDB and Redis for it.`);
  }
  return value;
}

/** A fresh database name for one test file; it always contains "test", and the harness refuses any other. */
export function testDatabaseName(label = 'e2e'): string {
  return `dompet_test_${label.replace(/[^A-Za-z0-9]/g, '').slice(0, 20)}_${randomBytes(4).toString('hex')}`;
}

/** Applies the project's migrations (the real ones, through migrate-mongo) to `dbName`. */
export async function migrateDatabase(uri: string, dbName: string): Promise<void> {
  if (!dbName.includes('test')) throw new Error(`Refusing to migrate a non-test database from a test: ${dbName}`);
  migrateMongo.config.set({
    mongodb: { url: uri, databaseName: dbName, options: { serverSelectionTimeoutMS: 5000 } },
    migrationsDir: 'migrations',
    changelogCollectionName: 'migrations_changelog',
    lockCollectionName: 'migrations_lock',
    lockTtl: 0,
    migrationFileExtension: '.js',
    useFileHash: false,
    moduleSystem: 'commonjs',
  });
  const { db, client } = await migrateMongo.database.connect();
  try {
    await migrateMongo.up(db, client);
  } finally {
    await client.close();
  }
}

/** The environment an in-process test app (or a spawned test process) runs with. */
export function testEnvironment(dbName: string, overrides: Record<string, string> = {}): NodeJS.ProcessEnv {
  return {
    ...process.env,
    NODE_ENV: 'test',
    LOG_LEVEL: process.env.TEST_LOG_LEVEL ?? 'silent',
    MONGODB_URI: requireEnv('MONGODB_URI'),
    MONGODB_DB: dbName,
    REDIS_URL: requireEnv('REDIS_URL'),
    REDIS_PREFIX: `t:${dbName}`,
    THROTTLE_LIMIT: '100000',
    TRANSFER_BACKOFF_MS: '50',
    SWEEP_INTERVAL_MS: '1000',
    SWEEP_MIN_AGE_MS: '3000',
    ...overrides,
  };
}

/**
 * Boots the real AppModule with the same set-up as `main.ts`, on its own migrated database and Redis prefix.
 * In black-box mode (`E2E_BASE_URL` set) it boots nothing and returns a handle on that deployment instead;
 * `options.env` then has no effect, so tests that depend on it must be `itInProcess('config', …)`.
 */
export async function createTestApp(options: { label?: string; env?: Record<string, string> } = {}): Promise<TestApp> {
  if (BLACK_BOX) return blackBoxTestApp(E2E_BASE_URL!);
  const env = testEnvironment(testDatabaseName(options.label), options.env);
  const dbName = env.MONGODB_DB!;
  await migrateDatabase(env.MONGODB_URI!, dbName);
  const config = AppConfig.fromEnv(env);
  const app = await NestFactory.create<NestExpressApplication>(AppModule.forRoot(config), { bodyParser: false, bufferLogs: true });
  configureApp(app, config);
  await app.listen(0, '127.0.0.1');
  const address = app.getHttpServer().address() as { port: number };
  const baseUrl = `http://127.0.0.1:${address.port}`;
  const client = await MongoClient.connect(env.MONGODB_URI!);
  const db = client.db(dbName);
  return {
    mode: 'in-process',
    inProcess: true,
    app,
    config,
    baseUrl,
    db,
    http: () => request.agent(baseUrl),
    close: async ({ keepDatabase = false } = {}) => {
      await app.close();
      if (!keepDatabase) await db.dropDatabase().catch(() => undefined);
      await client.close();
    },
  };
}

/** Settings a client can observe through the API; in black-box mode `E2E_<KEY>` tells the deployment's value. */
const OBSERVABLE_SETTINGS: Partial<Record<keyof AppConfig, string>> = {
  timeZone: 'APP_TIME_ZONE',
  bodyLimit: 'BODY_LIMIT',
  accessTokenTtlSeconds: 'ACCESS_TOKEN_TTL_SECONDS',
  refreshTokenTtlSeconds: 'REFRESH_TOKEN_TTL_SECONDS',
  refreshReuseGraceSeconds: 'REFRESH_REUSE_GRACE_SECONDS',
  pinMaxAttempts: 'PIN_MAX_ATTEMPTS',
  pinLockSeconds: 'PIN_LOCK_SECONDS',
  lookupUserLimitPerMinute: 'LOOKUP_USER_LIMIT_PER_MINUTE',
  lookupUserLimitPerDay: 'LOOKUP_USER_LIMIT_PER_DAY',
  lookupAddressLimitPerMinute: 'LOOKUP_ADDRESS_LIMIT_PER_MINUTE',
  maxTransactionAmount: 'MAX_TRANSACTION_AMOUNT',
  maxBalance: 'MAX_BALANCE',
};

function blackBoxConfig(baseUrl: string): AppConfig {
  const env: NodeJS.ProcessEnv = { MONGODB_URI: 'mongodb://unknown.invalid/', REDIS_URL: 'redis://unknown.invalid' };
  for (const key of Object.values(OBSERVABLE_SETTINGS)) {
    const given = process.env[`E2E_${key}`];
    if (given) env[key!] = given;
  }
  // The admin login of the deployment, when given (AppConfig is frozen, so the proxy below may only pass values through or throw).
  if (process.env.E2E_ADMIN_PHONE) env.ADMIN_PHONE = process.env.E2E_ADMIN_PHONE;
  if (process.env.E2E_ADMIN_PIN) env.ADMIN_PIN = process.env.E2E_ADMIN_PIN;
  const documented = AppConfig.fromEnv(env);
  return new Proxy(documented, {
    get(target, prop, receiver) {
      if (prop === 'adminPhone' || prop === 'adminPin') {
        if (!process.env.E2E_ADMIN_PHONE || !process.env.E2E_ADMIN_PIN) {
          throw new Error(`E2E_ADMIN_PHONE and E2E_ADMIN_PIN are not set: black-box tests that act as an admin of ${baseUrl} need them.`);
        }
      } else if (typeof prop === 'string' && Object.prototype.hasOwnProperty.call(target, prop) && !(prop in OBSERVABLE_SETTINGS)) {
        throw new Error(`config.${prop} of ${baseUrl} is not known in black-box mode: declare the test with itInProcess() from test/support/modes.`);
      }
      return Reflect.get(target, prop, receiver);
    },
  });
}

function absentInBlackBox(what: string): never {
  throw new Error(`${what} is absent in black-box mode (E2E_BASE_URL is set): declare the test with itInProcess()/itWithDatabase() from test/support/modes.`);
}

/** A handle on a running deployment: HTTP only, no app, no database. */
async function blackBoxTestApp(baseUrl: string): Promise<TestApp> {
  try {
    const res = await fetch(`${baseUrl}/health/live`, { signal: AbortSignal.timeout(10_000) });
    if (res.status !== 200) throw new Error(`GET /health/live answered ${res.status}`);
  } catch (err) {
    throw new Error(`E2E_BASE_URL=${baseUrl} is not reachable: ${(err as Error).message}`);
  }
  const config = blackBoxConfig(baseUrl);
  return {
    mode: 'black-box',
    inProcess: false,
    get app(): NestExpressApplication {
      return absentInBlackBox('TestApp.app');
    },
    get db(): Db {
      return absentInBlackBox('TestApp.db');
    },
    config,
    baseUrl,
    http: () => request.agent(baseUrl),
    close: async () => undefined,
  };
}
