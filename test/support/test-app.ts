import { NestFactory } from '@nestjs/core';
import { NestExpressApplication } from '@nestjs/platform-express';
import { randomBytes } from 'node:crypto';
import { Db, MongoClient } from 'mongodb';
import request from 'supertest';
import { AppModule } from '../../src/app.module';
import { configureApp } from '../../src/bootstrap';
import { AppConfig } from '../../src/config/app-config';

// eslint-disable-next-line @typescript-eslint/no-require-imports
const migrateMongo = require('migrate-mongo');

export interface TestApp {
  app: NestExpressApplication;
  config: AppConfig;
  baseUrl: string;
  /** Native driver handle on this test file's own database (for assertions only). */
  db: Db;
  http: () => request.Agent;
  close: () => Promise<void>;
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

/** Boots the real AppModule with the same set-up as `main.ts`, on its own migrated database and Redis prefix. */
export async function createTestApp(options: { label?: string; env?: Record<string, string> } = {}): Promise<TestApp> {
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
    app,
    config,
    baseUrl,
    db,
    http: () => request.agent(baseUrl),
    close: async () => {
      await app.close();
      await db.dropDatabase().catch(() => undefined);
      await client.close();
    },
  };
}
