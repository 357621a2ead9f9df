import Redis from 'ioredis';
import { ChaosCluster, Slot } from './cluster';
import { HttpClient } from './http';
import { FaultRecord, History } from './history';
import { Prng } from './prng';
import { Dependency, PrivateServers } from './servers';

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

export const FAULT_KINDS = ['ferretdb-kill', 'ferretdb-pause', 'postgres-kill', 'redis-kill', 'redis-flush', 'api-kill', 'worker-kill', 'worker-pause'] as const;
export type FaultKind = (typeof FAULT_KINDS)[number];

export interface FaultSettings {
  /** No fault starts once this says so (the traffic is about to end). */
  over: () => boolean;
  /** How long a process fault lasts before it is undone: [min, max] ms. */
  downMs: [number, number];
  /** The same for a database or Redis outage (long enough to probe readiness after the grace). */
  dependencyDownMs: [number, number];
  /**
   * The same for Redis killed: longer than `REDIS_DOWN_ANSWER_MS` plus the half second of grace, so a
   * request that waits for Redis to come back (instead of answering) outlasts the bound and is seen.
   */
  redisDownMs: [number, number];
  /** Pause between two faults: [min, max] ms. */
  gapMs: [number, number];
  /** Readiness is probed from this long after a dependency went down until it is restored. */
  readinessGraceMs: number;
}

/**
 * Injects one fault at a time at random moments (every kind once, in a random order, then at random),
 * each undone after a bounded time; while a database or Redis is down it probes both APIs' readiness.
 */
export class FaultInjector {
  constructor(
    private readonly servers: PrivateServers,
    private readonly cluster: ChaosCluster,
    private readonly http: HttpClient,
    private readonly history: History,
    private readonly rng: Prng,
    private readonly settings: FaultSettings,
    private readonly log: (line: string) => void,
  ) {}

  async run(): Promise<void> {
    const order: FaultKind[] = this.rng.shuffle(FAULT_KINDS);
    for (let i = 0; ; i++) {
      await sleep(this.rng.int(...this.settings.gapMs));
      if (this.settings.over()) return;
      const kind = i < order.length ? order[i] : this.rng.pick(FAULT_KINDS);
      await this.inject(kind);
    }
  }

  private async inject(kind: FaultKind): Promise<void> {
    const dependency = kind.startsWith('ferretdb') || kind.startsWith('postgres') || kind === 'redis-kill';
    const downMs = kind === 'redis-flush' ? 0 : this.rng.int(...(kind === 'redis-kill' ? this.settings.redisDownMs : dependency ? this.settings.dependencyDownMs : this.settings.downMs));
    const record: FaultRecord = { kind, target: '', startedAt: this.http.now(), restoreAt: 0, endedAt: 0, dependencyDown: false, redisDataLoss: false };
    this.history.faults.push(record);
    let restoring = false;
    let probes: Promise<void> = Promise.resolve();
    const dependencyDown = (what: string) => {
      record.dependencyDown = true;
      record.target = what;
      probes = this.probeReadiness(this.history.faults.length - 1, record.startedAt + this.settings.readinessGraceMs, () => restoring);
    };
    try {
      switch (kind) {
        case 'ferretdb-kill':
        case 'postgres-kill':
        case 'redis-kill': {
          const dep = kind.slice(0, kind.indexOf('-')) as Dependency;
          await this.servers.crash(dep);
          dependencyDown(dep);
          await sleep(downMs);
          record.restoreAt = this.http.now();
          restoring = true;
          await this.servers.restore(dep);
          break;
        }
        case 'ferretdb-pause': {
          this.servers.pause('ferretdb', true);
          dependencyDown('ferretdb');
          await sleep(downMs);
          record.restoreAt = this.http.now();
          restoring = true;
          this.servers.pause('ferretdb', false);
          break;
        }
        case 'redis-flush': {
          record.redisDataLoss = true;
          const all = this.rng.chance(0.5);
          record.target = all ? 'FLUSHALL' : `${this.cluster.redisPrefix}:*`;
          await this.flushRedis(all);
          record.restoreAt = this.http.now();
          break;
        }
        case 'api-kill':
        case 'worker-kill':
        case 'worker-pause': {
          const slot: Slot = this.rng.pick(kind === 'api-kill' ? this.cluster.apis : this.cluster.workers);
          record.target = slot.name;
          if (kind === 'worker-pause') this.cluster.signal(slot, 'SIGSTOP');
          else await this.cluster.crash(slot);
          await sleep(downMs);
          record.restoreAt = this.http.now();
          restoring = true;
          if (kind === 'worker-pause') this.cluster.signal(slot, 'SIGCONT');
          else await this.cluster.restart(slot, this.log);
          break;
        }
      }
    } catch (err) {
      record.error = (err as Error).message.split('\n')[0];
      this.log(`fault ${kind} ${record.target}: ${record.error}`);
    } finally {
      restoring = true;
      if (!record.restoreAt) record.restoreAt = this.http.now();
      await probes;
      record.endedAt = this.http.now();
    }
    this.log(`fault ${kind}${record.target ? ` ${record.target}` : ''}: down ${((record.restoreAt - record.startedAt) / 1000).toFixed(1)} s, restored in ${((record.endedAt - record.restoreAt) / 1000).toFixed(1)} s`);
  }

  private async flushRedis(all: boolean): Promise<void> {
    const redis = new Redis({ port: this.servers.redisPort, host: '127.0.0.1', lazyConnect: true, maxRetriesPerRequest: 1, connectTimeout: 3000 });
    redis.on('error', () => undefined);
    try {
      await redis.connect();
      if (all) {
        await redis.flushall();
        return;
      }
      let cursor = '0';
      do {
        const [next, keys] = await redis.scan(cursor, 'MATCH', `${this.cluster.redisPrefix}:*`, 'COUNT', 1000);
        cursor = next;
        if (keys.length) await redis.unlink(...keys);
      } while (cursor !== '0');
    } finally {
      redis.disconnect();
    }
  }

  /** Polls GET /health/ready on every API (each on its own) from `from` until `over()`, recording each answer. */
  private async probeReadiness(fault: number, from: number, over: () => boolean): Promise<void> {
    while (!over() && this.http.now() < from) await sleep(50);
    await Promise.all(
      this.cluster.apis.map(async (slot) => {
        while (!over()) {
          const answer = await this.http.request(this.cluster.baseUrl(slot), 'GET', '/health/ready', { timeoutMs: 4000 });
          this.history.readiness.push({ fault, answer });
          this.history.count('health-ready', answer);
          await sleep(200);
        }
      }),
    );
  }

  /** After the run: everything running and awake again, whatever state the last fault left. */
  async restoreAll(): Promise<void> {
    for (const dep of ['ferretdb', 'redis'] as const) this.servers.pause(dep, false);
    for (const slot of this.cluster.slots) this.cluster.signal(slot, 'SIGCONT');
    for (const dep of ['postgres', 'redis', 'ferretdb'] as const) if (!this.servers.pid(dep)) await this.servers.restore(dep);
    for (const slot of this.cluster.slots) if (!slot.proc?.alive) await this.cluster.restart(slot, this.log);
  }
}
