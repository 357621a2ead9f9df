import { Injectable, OnModuleInit } from '@nestjs/common';
import { CommandBus } from '@nestjs/cqrs';
import { AppConfig } from '../../../config/app-config';
import { PeriodicJobs } from '../../../infrastructure/periodic-jobs';
import { RecoverDueHoldsCommand } from '../commands/recover-due-holds/recover-due-holds.command';

export const HOLD_SWEEP_JOB = 'hold-sweep';

/**
 * The recovery sweep of holds in worker processes, a `periodic` Bull job every `SWEEP_INTERVAL_MS`:
 * re-schedules holds due for longer than `SWEEP_MIN_AGE_MS` and not settled whose job is gone (Redis
 * flushed, a job failed for good, a crash before the enqueue). Safe to run twice or at the same time.
 */
@Injectable()
export class HoldSweeper implements OnModuleInit {
  constructor(
    private readonly commands: CommandBus,
    private readonly jobs: PeriodicJobs,
    private readonly config: AppConfig,
  ) {}

  onModuleInit(): void {
    this.jobs.register({ name: HOLD_SWEEP_JOB, every: this.config.sweepIntervalMs, run: () => this.sweep() });
  }

  async sweep(): Promise<void> {
    await this.commands.execute(new RecoverDueHoldsCommand(this.config.sweepMinAgeMs));
  }
}
