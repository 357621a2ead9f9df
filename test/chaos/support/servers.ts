import { spawn } from 'node:child_process';
import { existsSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { REPO_ROOT } from '../../fault/support/build';

const SERVICES = join(REPO_ROOT, 'scripts', 'services.sh');
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

export type Dependency = 'ferretdb' | 'postgres' | 'redis';

interface CommandResult {
  code: number | null;
  stdout: string;
  stderr: string;
}

/** Runs a command without a shell, with a time limit; never throws on a non-zero exit. */
export function run(cmd: string, args: string[], options: { env?: NodeJS.ProcessEnv; timeoutMs?: number } = {}): Promise<CommandResult> {
  return new Promise((resolve) => {
    const child = spawn(cmd, args, { cwd: REPO_ROOT, env: options.env ?? process.env, stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (c: Buffer) => (stdout += c.toString('utf8')));
    child.stderr.on('data', (c: Buffer) => (stderr += c.toString('utf8')));
    const timer = setTimeout(() => child.kill('SIGKILL'), options.timeoutMs ?? 120_000);
    child.once('error', (err) => {
      clearTimeout(timer);
      resolve({ code: -1, stdout, stderr: `${stderr}${err.message}` });
    });
    child.once('close', (code) => {
      clearTimeout(timer);
      resolve({ code, stdout, stderr });
    });
  });
}

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

function signal(pid: number, sig: NodeJS.Signals): boolean {
  try {
    process.kill(pid, sig);
    return true;
  } catch {
    return false;
  }
}

/** Pids whose parent is `pid` (from /proc). */
function childrenOf(pid: number): number[] {
  const out: number[] = [];
  for (const name of readdirSync('/proc')) {
    if (!/^\d+$/.test(name)) continue;
    try {
      const stat = readFileSync(`/proc/${name}/stat`, 'utf8');
      const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
      if (Number(fields[1]) === pid) out.push(Number(name));
    } catch {
      // gone meanwhile
    }
  }
  return out;
}

/**
 * FerretDB, its PostgreSQL and Redis, private to one test run: started by `scripts/services.sh start
 * --state DIR` in their own state folder (so killing them disturbs nobody else), crashed and stopped
 * by pid, brought back on the same ports, wiped at the end.
 */
export class PrivateServers {
  mongodbUri = '';
  redisUrl = '';

  constructor(
    readonly stateDir: string,
    private readonly log: (line: string) => void,
  ) {}

  /** services.sh must not see the main test run's servers, or it would start nothing. */
  private env(): NodeJS.ProcessEnv {
    const env = { ...process.env };
    delete env.MONGODB_URI;
    delete env.REDIS_URL;
    return env;
  }

  private async services(command: string, timeoutMs = 180_000): Promise<CommandResult> {
    const r = await run('bash', [SERVICES, command, '--state', this.stateDir], { env: this.env(), timeoutMs });
    if (r.code !== 0) throw new Error(`services.sh ${command} --state ${this.stateDir} failed (${r.code}):\n${r.stderr.split('\n').slice(-15).join('\n')}`);
    return r;
  }

  /** Starts whatever of the three is not running (same ports as before); reads the URLs it prints. */
  async start(): Promise<void> {
    const r = await this.services('start');
    this.mongodbUri = /export MONGODB_URI=(\S+)/.exec(r.stdout)?.[1] ?? '';
    this.redisUrl = /export REDIS_URL=(\S+)/.exec(r.stdout)?.[1] ?? '';
    if (!this.mongodbUri.startsWith('mongodb://') || !this.redisUrl.startsWith('redis://')) throw new Error(`services.sh start printed no URLs:\n${r.stdout}`);
  }

  /** Stops everything and deletes the state folder. */
  async wipe(): Promise<void> {
    for (const dep of ['ferretdb', 'redis'] as const) {
      const pid = this.pid(dep);
      if (pid) signal(pid, 'SIGCONT');
    }
    await this.services('wipe', 120_000).catch((err: Error) => this.log(`wipe: ${err.message}`));
    rmSync(this.stateDir, { recursive: true, force: true });
  }

  private conf(): Record<string, string> {
    const path = join(this.stateDir, 'run', 'services.conf');
    const out: Record<string, string> = {};
    if (!existsSync(path)) return out;
    for (const line of readFileSync(path, 'utf8').split('\n')) {
      const m = /^([A-Z_]+)=(.*)$/.exec(line);
      if (m) out[m[1]] = m[2].replace(/^'(.*)'$/, '$1').replace(/\\(.)/g, '$1');
    }
    return out;
  }

  get redisPort(): number {
    return Number(this.conf().REDIS_PORT);
  }

  /** The pid of the server (PostgreSQL: its postmaster), or null when it is not running. */
  pid(dep: Dependency): number | null {
    let file: string;
    if (dep === 'postgres') {
      const data = this.conf().PG_DATA;
      if (!data) return null;
      file = join(data, 'postmaster.pid');
    } else {
      file = join(this.stateDir, 'run', `${dep}.pid`);
    }
    try {
      const pid = Number(readFileSync(file, 'utf8').split('\n')[0].trim());
      return Number.isInteger(pid) && pid > 0 && alive(pid) ? pid : null;
    } catch {
      return null;
    }
  }

  /** kill -9 of the server (PostgreSQL: the postmaster and every backend, as a crash of its host would). */
  async crash(dep: Dependency): Promise<void> {
    const pid = this.pid(dep);
    if (!pid) throw new Error(`${dep} is not running`);
    const victims = dep === 'postgres' ? [pid, ...childrenOf(pid)] : [pid];
    for (const p of victims) signal(p, 'SIGKILL');
    for (let i = 0; i < 100 && victims.some(alive); i++) await sleep(50);
  }

  /** SIGSTOP (`true`) or SIGCONT (`false`): the server hangs without closing a connection. */
  pause(dep: Dependency, paused: boolean): void {
    const pid = this.pid(dep);
    if (pid) signal(pid, paused ? 'SIGSTOP' : 'SIGCONT');
  }

  /** Brings `dep` back on its port with its data; retried, since a crashed server may need a moment to release it. */
  async restore(dep: Dependency): Promise<void> {
    let last: Error | undefined;
    for (let attempt = 0; attempt < 5; attempt++) {
      try {
        if (dep === 'redis') await this.services('redis-start', 60_000);
        else if (dep === 'postgres') await this.startPostgres();
        else await this.services('start');
        return;
      } catch (err) {
        last = err as Error;
        this.log(`restoring ${dep} failed (attempt ${attempt + 1}): ${last.message.split('\n')[0]}`);
        await sleep(1000);
      }
    }
    throw last;
  }

  /**
   * PostgreSQL alone, on its port and data folder: `services.sh pg-start` when the script has it, else
   * `pg_ctl start` as the script runs it (`services.sh start` would not notice a dead PostgreSQL behind a
   * FerretDB that still answers a ping).
   */
  private async startPostgres(): Promise<void> {
    if (this.pid('postgres')) return;
    if (/\bpg-start\)/.test(readFileSync(SERVICES, 'utf8'))) {
      await this.services('pg-start', 90_000);
      return;
    }
    const { PG_DATA: data, PG_PORT: port } = this.conf();
    if (!data || !port) throw new Error('PostgreSQL was never started in this state folder');
    const bin = pgBin(data);
    const args = ['-D', data, '-l', join(data, '..', 'server.log'), '-w', '-t', '60', '-o', `-p ${port} -c listen_addresses=127.0.0.1 -c unix_socket_directories=''`, 'start'];
    const asRoot = process.getuid?.() === 0;
    const r = asRoot ? await run('runuser', ['-u', 'postgres', '--', join(bin, 'pg_ctl'), ...args], { timeoutMs: 90_000 }) : await run(join(bin, 'pg_ctl'), args, { timeoutMs: 90_000 });
    if (r.code !== 0) throw new Error(`pg_ctl start failed (${r.code}): ${r.stdout}${r.stderr}`);
  }
}

/** The server binaries of the cluster's major version (Debian layout), as services.sh finds them. */
function pgBin(data: string): string {
  const root = '/usr/lib/postgresql';
  const version = readFileSync(join(data, 'PG_VERSION'), 'utf8').trim();
  const candidates = [join(root, version, 'bin'), ...(existsSync(root) ? readdirSync(root).map((v) => join(root, v, 'bin')) : [])];
  for (const dir of candidates) if (existsSync(join(dir, 'pg_ctl'))) return dir;
  throw new Error(`pg_ctl of PostgreSQL ${version} not found under ${root}`);
}
