import { Injectable, OnModuleInit } from '@nestjs/common';
import { CommandBus } from '@nestjs/cqrs';
import { AppConfig } from '../../../config/app-config';
import { PeriodicJobs } from '../../../infrastructure/periodic-jobs';
import { RepairWalletStatusesCommand } from '../../users';
import { RecoverPendingTransfersCommand } from '../commands/recover-pending-transfers/recover-pending-transfers.command';

export const TRANSFER_SWEEP_JOB = 'transfer-sweep';

/**
 * The transfer recovery sweep of worker processes, a `periodic` Bull job every `SWEEP_INTERVAL_MS`:
 * re-enqueues transfers unsettled for `SWEEP_MIN_AGE_MS` without a live job, and completes the wallet
 * status changes a crash interrupted. Both are safe to run twice or at the same time.
 */
@Injectable()
export class TransferSweeper implements OnModuleInit {
  constructor(
    private readonly commands: CommandBus,
    private readonly jobs: PeriodicJobs,
    private readonly config: AppConfig,
  ) {}

  onModuleInit(): void {
    this.jobs.register({ name: TRANSFER_SWEEP_JOB, every: this.config.sweepIntervalMs, run: () => this.sweep() });
  }

  async sweep(): Promise<void> {
    await this.commands.execute(new RecoverPendingTransfersCommand(this.config.sweepMinAgeMs));
    await this.commands.execute(new RepairWalletStatusesCommand(this.config.sweepMinAgeMs));
  }
}
