import { spawn } from 'node:child_process';
import { createWriteStream, mkdirSync, readdirSync, rmSync, statSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { compiledApp, CompiledApp, REPO_ROOT } from '../../fault/support/build';
import { freePort, ServiceProcess, whenReady } from '../../fault/support/cluster';
import { migrateDatabase, testDatabaseName } from '../../support/test-app';


/** Every child of this test process, killed if the runner exits without cleaning up. */
const children = new Set<ServiceProcess>();
process.once('exit', () => {
  for (const p of children) if (p.alive) p.child.kill('SIGKILL');
});

/** One slot of the deployment: a name, a role and (for an API) a fixed port, so a restart comes back where clients expect it. */
export interface Slot {
  name: string;
  role: 'api' | 'worker';
  port: number | null;
  proc: ServiceProcess | null;
}

/**
 * API and worker processes of the compiled service (as test/fault/support/cluster.ts runs them), pointed
 * at the chaos test's private servers rather than those of the main test run, each restartable in place.
 */
export class ChaosCluster {
  readonly slots: Slot[] = [];
  private starts = 0;

  private constructor(
    readonly app: CompiledApp,
    readonly dbName: string,
    readonly env: NodeJS.ProcessEnv,
    readonly logDir: string,
  ) {}

  static async create(servers: { mongodbUri: string; redisUrl: string }, settings: Record<string, string>, logDir: string): Promise<ChaosCluster> {
    const app = compiledApp();
    const dbName = testDatabaseName('chaos');
    await migrateDatabase(servers.mongodbUri, dbName);
    const env: NodeJS.ProcessEnv = {
      ...process.env,
      NODE_ENV: 'test',
      LOG_LEVEL: process.env.TEST_LOG_LEVEL ?? 'warn',
      HOST: '127.0.0.1',
      MONGODB_URI: servers.mongodbUri,
      MONGODB_DB: dbName,
      REDIS_URL: servers.redisUrl,
      REDIS_PREFIX: `t:${dbName}`,
      ...settings,
    };
    pruneOldLogs(dirname(logDir));
    mkdirSync(logDir, { recursive: true });
    return new ChaosCluster(app, dbName, env, logDir);
  }

  get redisPrefix(): string {
    return this.env.REDIS_PREFIX!;
  }

  async addApi(name: string): Promise<Slot> {
    const slot: Slot = { name, role: 'api', port: await freePort(), proc: null };
    this.slots.push(slot);
    await this.start(slot);
    return slot;
  }

  async addWorker(name: string): Promise<Slot> {
    const slot: Slot = { name, role: 'worker', port: null, proc: null };
    this.slots.push(slot);
    await this.start(slot);
    return slot;
  }

  baseUrl(slot: Slot): string {
    return `http://127.0.0.1:${slot.port}`;
  }

  get apis(): Slot[] {
    return this.slots.filter((s) => s.role === 'api');
  }

  get workers(): Slot[] {
    return this.slots.filter((s) => s.role === 'worker');
  }

  /** (Re)starts the slot's process and waits until it listens (API) or runs (worker). */
  async start(slot: Slot): Promise<void> {
    if (slot.proc?.alive) return;
    const logFile = join(this.logDir, `${slot.name}.log`);
    const log = createWriteStream(logFile, { flags: 'a' });
    const env = slot.role === 'api' ? { APP_ROLE: 'api', PORT: String(slot.port) } : { APP_ROLE: 'worker' };
    const script = slot.role === 'api' ? this.app.main : this.app.worker;
    const readyText = slot.role === 'api' ? 'listening on' : 'Dompet worker started';
    const child = spawn(process.execPath, [script], { cwd: REPO_ROOT, env: { ...this.env, ...env }, stdio: ['ignore', 'pipe', 'pipe'] });
    const proc = new ServiceProcess(slot.name, child, logFile, slot.port ? this.baseUrl(slot) : null);
    children.add(proc);
    void proc.exited.then(() => {
      children.delete(proc);
      log.end();
    });
    slot.proc = proc;
    this.starts++;
    const ready = whenReady(proc, readyText);
    child.stdout!.pipe(log, { end: false });
    child.stderr!.pipe(log, { end: false });
    try {
      await ready;
    } catch (err) {
      await proc.kill('SIGKILL');
      throw err;
    }
  }

  /** Starts the slot again, retrying a few times (a port in TIME_WAIT, a dependency still waking up). */
  async restart(slot: Slot, log: (line: string) => void): Promise<void> {
    let last: Error | undefined;
    for (let attempt = 0; attempt < 5; attempt++) {
      try {
        await this.start(slot);
        return;
      } catch (err) {
        last = err as Error;
        log(`restarting ${slot.name} failed (attempt ${attempt + 1}): ${last.message.split('\n')[0]}`);
        await new Promise((r) => setTimeout(r, 1000));
      }
    }
    throw last;
  }

  signal(slot: Slot, sig: NodeJS.Signals): void {
    if (slot.proc?.alive) slot.proc.child.kill(sig);
  }

  async crash(slot: Slot): Promise<void> {
    if (slot.proc) {
      slot.proc.child.kill('SIGCONT');
      await slot.proc.kill('SIGKILL');
    }
  }

  async stopAll(): Promise<void> {
    await Promise.all(
      this.slots.map(async (s) => {
        if (!s.proc) return;
        s.proc.child.kill('SIGCONT');
        await s.proc.kill('SIGKILL');
      }),
    );
  }

  get processStarts(): number {
    return this.starts;
  }
}

/** Earlier runs' logs (`chaos-*` folders) are kept for a day. */
function pruneOldLogs(root: string): void {
  try {
    for (const name of readdirSync(root)) {
      const path = join(root, name);
      if (name.startsWith('chaos-') && Date.now() - statSync(path).mtimeMs > 24 * 3600 * 1000) rmSync(path, { recursive: true, force: true });
    }
  } catch {
    // no logs yet
  }
}
