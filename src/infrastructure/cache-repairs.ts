import { Inject, Injectable, Logger, OnApplicationShutdown, OnModuleInit } from '@nestjs/common';
import Redis from 'ioredis';
import { REDIS } from './redis.constants';

type Repair = () => Promise<void>;

/** How often failed repairs are tried again while Redis is connected. */
const RETRY_MS = 1000;

/**
 * Redis holds copies of what MongoDB says (is a session open or revoked, a user's status, token
 * version and role). A change is written to MongoDB first and then published to Redis. Redis keeps its
 * data across a restart (append-only file), so a publish lost while Redis was down or reconnecting
 * would leave the old copy in place once Redis is back: a logged-out token would work again.
 *
 * So this process (1) remembers every publish that failed and runs it again as soon as Redis is
 * connected, (2) runs the standing repairs caches register (e.g. "re-publish the revocations of the
 * last token lifetime", which also covers a process that crashed holding a failed publish) at start
 * and after every disconnection, and (3) does not trust the copies it reads (`trusted()` is false;
 * readers go to MongoDB) from a disconnection until all of that succeeded.
 */
@Injectable()
export class CacheRepairs implements OnModuleInit, OnApplicationShutdown {
  private readonly logger = new Logger(CacheRepairs.name);
  private readonly pending = new Map<string, Repair>();
  private readonly standing: Repair[] = [];
  /** True from start and from any disconnection until a full repair run has finished since. */
  private stale = true;
  /** Counts disconnections, so a run that a disconnection interrupted does not clear `stale`. */
  private disconnections = 0;
  private running: Promise<void> | null = null;
  /** Something new to repair arrived during a run: run again right after it. */
  private again = false;
  private retry: NodeJS.Timeout | null = null;
  private closed = false;

  constructor(@Inject(REDIS) private readonly redis: Redis) {}

  onModuleInit(): void {
    const lost = () => {
      this.stale = true;
      this.disconnections++;
    };
    this.redis.on('close', lost);
    this.redis.on('end', lost);
    this.redis.on('ready', () => this.repair());
    if (this.redis.status === 'ready') this.repair();
  }

  onApplicationShutdown(): void {
    this.closed = true;
    if (this.retry) clearTimeout(this.retry);
  }

  /** Whether copies read from Redis may be used: connected, and nothing published by this process is missing there. */
  trusted(): boolean {
    return this.redis.status === 'ready' && !this.stale && this.pending.size === 0;
  }

  /** Registers a repair run at start and after every disconnection (before the cache is trusted again). */
  addStanding(repair: Repair): void {
    this.standing.push(repair);
    this.stale = true;
    this.repair();
  }

  /**
   * Publishes to Redis now; if that fails, keeps `publish` (the latest one per `key`) and runs it again
   * once Redis is connected. Until then this process reads MongoDB instead of the cache.
   */
  async publish(key: string, publish: Repair): Promise<boolean> {
    try {
      if (this.redis.status !== 'ready') throw new Error(`Redis is not connected (${this.redis.status})`);
      await publish();
      this.pending.delete(key);
      return true;
    } catch (err) {
      this.pending.set(key, publish);
      this.logger.warn(`publish of ${key} deferred until Redis is back: ${(err as Error).message}`);
      this.repair();
      return false;
    }
  }

  private repair(): void {
    if (this.closed || this.redis.status !== 'ready') return;
    if (this.running) {
      this.again = true;
      return;
    }
    this.running = this.runRepairs().finally(() => {
      this.running = null;
      if (this.again) {
        this.again = false;
        this.repair();
      } else if (!this.closed && (this.stale || this.pending.size > 0)) {
        if (this.retry) clearTimeout(this.retry);
        this.retry = setTimeout(() => this.repair(), RETRY_MS);
        this.retry.unref();
      }
    });
  }

  private async runRepairs(): Promise<void> {
    const since = this.disconnections;
    try {
      for (const repair of this.standing) await repair();
      for (const [key, publish] of [...this.pending]) {
        await publish();
        if (this.pending.get(key) === publish) this.pending.delete(key);
      }
      // Only a run no disconnection interrupted makes the cache trusted again.
      if (this.disconnections === since) this.stale = false;
    } catch (err) {
      this.logger.warn(`cache repair failed, retrying: ${(err as Error).message}`);
    }
  }
}
