import { Inject, Injectable, Logger, OnApplicationShutdown, OnModuleInit } from '@nestjs/common';
import Redis from 'ioredis';
import { AppConfig } from '../../../config/app-config';
import { REDIS, RedisKeys } from '../../../infrastructure/redis.module';
import { SessionsRepository } from '../persistence/sessions.repository';

/**
 * Deletes expired refresh tokens and their use records every `MAINTENANCE_INTERVAL_MS` (FerretDB has
 * no TTL indexes). A Redis lease lets one instance per interval do it; skipping a round is harmless.
 */
@Injectable()
export class AuthMaintenanceService implements OnModuleInit, OnApplicationShutdown {
  private readonly logger = new Logger(AuthMaintenanceService.name);
  private timer: NodeJS.Timeout | null = null;

  constructor(
    private readonly sessions: SessionsRepository,
    private readonly config: AppConfig,
    @Inject(REDIS) private readonly redis: Redis,
    private readonly keys: RedisKeys,
  ) {}

  onModuleInit(): void {
    if (!this.config.runsWorker) return;
    this.timer = setInterval(() => void this.runOnce(), this.config.maintenanceIntervalMs);
    this.timer.unref();
  }

  onApplicationShutdown(): void {
    if (this.timer) clearInterval(this.timer);
    this.timer = null;
  }

  async runOnce(now = new Date()): Promise<void> {
    try {
      const lease = await this.redis.set(this.keys.key('auth', 'maintenance'), '1', 'PX', Math.max(1000, this.config.maintenanceIntervalMs - 1000), 'NX');
      if (lease !== 'OK') return;
      const purged = await this.sessions.purgeExpired(now);
      if (purged.tokens || purged.uses) this.logger.log(`purged ${purged.tokens} expired refresh tokens and ${purged.uses} use records`);
    } catch (err) {
      this.logger.warn(`auth maintenance skipped: ${(err as Error).message}`);
    }
  }
}
