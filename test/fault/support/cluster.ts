import Bull, { Queue } from 'bull';
import { ChildProcess, execFile, spawn } from 'node:child_process';
import { createWriteStream, mkdirSync, readdirSync, readFileSync, rmSync, statSync, WriteStream } from 'node:fs';
import { createServer } from 'node:net';
import { join } from 'node:path';
import Redis from 'ioredis';
import { Db, MongoClient } from 'mongodb';
import { AppConfig } from '../../../src/config/app-config';
import { TRANSFER_QUEUE } from '../../../src/modules/transfers/queue/transfer-queue';
import { deleteRedisKeys } from '../../support/redis';
import { migrateDatabase, testDatabaseName, testEnvironment } from '../../support/test-app';
import { compiledApp, CompiledApp, REPO_ROOT } from './build';

const LOG_ROOT = join(REPO_ROOT, '.local', 'process-logs');
const READY_TIMEOUT_MS = 60_000;

/** Every child started by any cluster of this process, so a crash of the runner still kills them. */
const children = new Set<ChildProcess>();
process.once('exit', () => {
  for (const c of children) if (c.exitCode === null && c.signalCode === null) c.kill('SIGKILL');
});

/** A free TCP port on 127.0.0.1 (the OS picks it; the child binds it right after). */
export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as { port: number };
      server.close(() => resolve(port));
    });
  });
}

/** One OS process of the service (API or worker), with its output in a log file. */
export class ServiceProcess {
  readonly exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;

  constructor(
    readonly name: string,
    readonly child: ChildProcess,
    readonly logFile: string,
    readonly baseUrl: string | null,
  ) {
    this.exited = new Promise((resolve) => child.once('exit', (code, signal) => resolve({ code, signal })));
  }

  get pid(): number {
    return this.child.pid!;
  }

  get alive(): boolean {
    return this.child.exitCode === null && this.child.signalCode === null;
  }

  /** Sends `signal` and waits (bounded) until the process is gone. */
  async kill(signal: NodeJS.Signals = 'SIGKILL', timeoutMs = 10_000): Promise<void> {
    if (!this.alive) return;
    this.child.kill(signal);
    const timer = new Promise<'timeout'>((r) => setTimeout(() => r('timeout'), timeoutMs).unref());
    if ((await Promise.race([this.exited, timer])) === 'timeout') {
      this.child.kill('SIGKILL');
      await this.exited;
    }
  }

  logTail(lines = 30): string {
    try {
      return readFileSync(this.logFile, 'utf8').split('\n').slice(-lines).join('\n');
    } catch {
      return '';
    }
  }
}

/** Resolves once the process prints `readyText`; rejects when it exits first or stays unready for READY_TIMEOUT_MS. */
export function whenReady(proc: ServiceProcess, readyText: string): Promise<void> {
  let seen = '';
  return new Promise<void>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`${proc.name} not ready after ${READY_TIMEOUT_MS} ms:\n${proc.logTail()}`)), READY_TIMEOUT_MS);
    proc.child.stdout!.on('data', (chunk: Buffer) => {
      seen = (seen + chunk.toString('utf8')).slice(-4096);
      if (seen.includes(readyText)) {
        clearTimeout(timer);
        resolve();
      }
    });
    void proc.exited.then(({ code, signal }) => {
      clearTimeout(timer);
      reject(new Error(`${proc.name} exited (${code ?? signal}) before it was ready:\n${seen}\n${proc.logTail()}`));
    });
  });
}

/**
 * A deployment of the service made of real processes of the compiled app (`node main.js` with
 * APP_ROLE=api, `node worker.js`), on its own freshly migrated database and Redis prefix, all
 * listening on 127.0.0.1. The test process keeps driver handles on the same database, Redis and
 * Bull queue to observe (and disturb) what the processes do.
 */
export class ServiceCluster {
  readonly processes: ServiceProcess[] = [];
  private counter = 0;

  private constructor(
    readonly app: CompiledApp,
    readonly dbName: string,
    readonly env: NodeJS.ProcessEnv,
    readonly config: AppConfig,
    readonly mongo: MongoClient,
    readonly db: Db,
    readonly redis: Redis,
    readonly queue: Queue,
    private readonly logDir: string,
    /** The checkout the processes run from (their working directory). */
    readonly root: string,
  ) {}

  /**
   * `env` overrides the test defaults (fast sweeps and retries, see `testEnvironment`). `tree` runs
   * another checkout instead of this one (`bench:compare`'s baseline): its compiled app, its working
   * directory, and its own migrations (its `migrate-mongo up`).
   */
  static async create(label: string, env: Record<string, string> = {}, tree?: { root: string; app: CompiledApp }): Promise<ServiceCluster> {
    const root = tree?.root ?? REPO_ROOT;
    const app = tree?.app ?? compiledApp();
    const dbName = testDatabaseName(label);
    const fullEnv = testEnvironment(dbName, { LOG_LEVEL: process.env.TEST_LOG_LEVEL ?? 'warn', HOST: '127.0.0.1', ...env });
    if (root === REPO_ROOT) await migrateDatabase(fullEnv.MONGODB_URI!, dbName);
    else await migrateCheckout(root, fullEnv.MONGODB_URI!, dbName);
    const config = AppConfig.fromEnv(fullEnv);
    const mongo = await MongoClient.connect(config.mongodbUri, { serverSelectionTimeoutMS: 5000 });
    const redis = new Redis(config.redisUrl, { maxRetriesPerRequest: 3, lazyConnect: false });
    const queue = new Bull(TRANSFER_QUEUE, { redis: config.redisUrl, prefix: `${config.redisPrefix}:bull` });
    pruneOldLogs();
    const logDir = join(LOG_ROOT, dbName);
    mkdirSync(logDir, { recursive: true });
    return new ServiceCluster(app, dbName, fullEnv, config, mongo, mongo.db(dbName), redis, queue, logDir, root);
  }

  /** Starts an API process (APP_ROLE=api) on a free port and waits until it listens. */
  async startApi(name = `api-${++this.counter}`): Promise<ServiceProcess> {
    let lastError: Error | undefined;
    for (let attempt = 0; attempt < 3; attempt++) {
      const port = await freePort();
      try {
        return await this.spawn(name, this.app.main, { APP_ROLE: 'api', PORT: String(port) }, 'listening on', `http://127.0.0.1:${port}`);
      } catch (err) {
        lastError = err as Error;
        // Another process may have taken the port between the probe and the bind: try another one.
        if (!/EADDRINUSE/.test(lastError.message)) throw lastError;
      }
    }
    throw lastError;
  }

  /** Starts a worker process (`node worker.js`: queue processor and recovery sweep) and waits until it runs. */
  startWorker(name = `worker-${++this.counter}`, env: Record<string, string> = {}): Promise<ServiceProcess> {
    return this.spawn(name, this.app.worker, { APP_ROLE: 'worker', ...env }, 'Dompet worker started', null);
  }

  private async spawn(name: string, script: string, env: Record<string, string>, readyText: string, baseUrl: string | null): Promise<ServiceProcess> {
    const logFile = join(this.logDir, `${name}.log`);
    const log: WriteStream = createWriteStream(logFile, { flags: 'a' });
    const child = spawn(process.execPath, [script], { cwd: this.root, env: { ...this.env, ...env }, stdio: ['ignore', 'pipe', 'pipe'] });
    children.add(child);
    child.once('exit', () => children.delete(child));
    const proc = new ServiceProcess(name, child, logFile, baseUrl);
    this.processes.push(proc);
    const ready = whenReady(proc, readyText);
    child.stdout!.pipe(log, { end: false });
    child.stderr!.pipe(log, { end: false });
    void proc.exited.then(() => log.end());
    await ready;
    return proc;
  }

  /** Deletes every Redis key of this deployment's prefix (its queue, locks and caches), as FLUSHDB would. */
  deleteRedisKeys(): Promise<number> {
    return deleteRedisKeys(this.redis, this.config.redisPrefix);
  }

  /** Kills every process (SIGKILL), then drops the database and the Redis keys. Safe to call twice. */
  async destroy(): Promise<void> {
    await Promise.all(this.processes.map((p) => p.kill('SIGKILL')));
    await this.queue.close().catch(() => undefined);
    await this.deleteRedisKeys().catch(() => undefined);
    this.redis.disconnect();
    await this.db.dropDatabase().catch(() => undefined);
    await this.mongo.close().catch(() => undefined);
  }
}

/** Applies another checkout's migrations with its own migrate-mongo and configuration (bounded to 2 minutes). */
function migrateCheckout(root: string, uri: string, dbName: string): Promise<void> {
  if (!dbName.includes('test')) throw new Error(`Refusing to migrate a non-test database: ${dbName}`);
  const cli = join(root, 'node_modules', 'migrate-mongo', 'bin', 'migrate-mongo.js');
  const env = { ...process.env, MONGODB_URI: uri, MONGODB_DB: dbName };
  return new Promise((resolve, reject) => {
    execFile(process.execPath, [cli, 'up', '-f', 'migrate-mongo-config.js'], { cwd: root, env, timeout: 120_000 }, (err, stdout, stderr) => {
      if (err) reject(new Error(`migrate-mongo up in ${root} failed: ${err.message}\n${stdout}${stderr}`));
      else resolve();
    });
  });
}

function pruneOldLogs(): void {
  try {
    for (const name of readdirSync(LOG_ROOT)) {
      const path = join(LOG_ROOT, name);
      if (Date.now() - statSync(path).mtimeMs > 24 * 3600 * 1000) rmSync(path, { recursive: true, force: true });
    }
  } catch {
    // no logs yet
  }
}
