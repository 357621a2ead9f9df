import { Injectable, Logger, OnModuleInit } from '@nestjs/common';
import { AppConfig } from '../../config/app-config';
import { PeriodicJobs } from '../../infrastructure/periodic-jobs';
import { IdempotencyService } from './idempotency.service';

export const IDEMPOTENCY_PURGE_JOB = 'idempotency-purge';

/**
 * Deletes expired idempotency keys (FerretDB has no TTL indexes): a `periodic` Bull job every
 * `MAINTENANCE_INTERVAL_MS`, run by worker processes. Deleting twice is harmless.
 */
@Injectable()
export class IdempotencyPurgeJob implements OnModuleInit {
  private readonly logger = new Logger(IdempotencyPurgeJob.name);

  constructor(
    private readonly idempotency: IdempotencyService,
    private readonly jobs: PeriodicJobs,
    private readonly config: AppConfig,
  ) {}

  onModuleInit(): void {
    if (!this.config.runsWorker) return;
    this.jobs.register({ name: IDEMPOTENCY_PURGE_JOB, every: this.config.maintenanceIntervalMs, run: () => this.purge() });
  }

  async purge(): Promise<void> {
    const removed = await this.idempotency.purgeExpired();
    if (removed) this.logger.log(`removed ${removed} expired idempotency keys`);
  }
}
