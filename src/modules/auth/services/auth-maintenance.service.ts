import { Injectable, Logger, OnModuleInit } from '@nestjs/common';
import { AppConfig } from '../../../config/app-config';
import { PeriodicJobs } from '../../../infrastructure/periodic-jobs';
import { SessionsRepository } from '../persistence/sessions.repository';

export const AUTH_MAINTENANCE_JOB = 'auth-maintenance';

/**
 * Deletes expired refresh tokens and their use records (FerretDB has no TTL indexes): a `periodic`
 * Bull job every `MAINTENANCE_INTERVAL_MS`, run by worker processes. Deleting twice is harmless.
 */
@Injectable()
export class AuthMaintenanceService implements OnModuleInit {
  private readonly logger = new Logger(AuthMaintenanceService.name);

  constructor(
    private readonly sessions: SessionsRepository,
    private readonly config: AppConfig,
    private readonly jobs: PeriodicJobs,
  ) {}

  onModuleInit(): void {
    if (!this.config.runsWorker) return;
    this.jobs.register({ name: AUTH_MAINTENANCE_JOB, every: this.config.maintenanceIntervalMs, run: () => this.runOnce() });
  }

  async runOnce(now = new Date()): Promise<void> {
    const purged = await this.sessions.purgeExpired(now);
    if (purged.tokens || purged.uses) this.logger.log(`purged ${purged.tokens} expired refresh tokens and ${purged.uses} use records`);
  }
}
