import { InjectQueue } from '@nestjs/bull';
import { Injectable, Logger, OnApplicationBootstrap } from '@nestjs/common';
import { CommandBus } from '@nestjs/cqrs';
import type { Job, Queue } from 'bull';
import { AppConfig } from '../../../config/app-config';
import { processJobs } from '../../../infrastructure/queue-processing';
import { ExpireHoldCommand } from '../commands/expire-hold/expire-hold.command';
import { EXPIRE_HOLD_JOB, HOLD_QUEUE, HoldJobData } from './hold-queue';

/**
 * Thin Bull processor: each job dispatches the expire-hold command (idempotent; a held release throws
 * and is retried), `TRANSFER_CONCURRENCY` at once (typed config, so registered at bootstrap).
 */
@Injectable()
export class HoldProcessor implements OnApplicationBootstrap {
  private readonly logger = new Logger(HoldProcessor.name);

  constructor(
    private readonly commands: CommandBus,
    @InjectQueue(HOLD_QUEUE) private readonly queue: Queue<HoldJobData>,
    private readonly config: AppConfig,
  ) {}

  onApplicationBootstrap(): void {
    processJobs(this.queue, EXPIRE_HOLD_JOB, this.config.transferConcurrency, (job) => this.handle(job), this.logger);
  }

  handle(job: Job<HoldJobData>) {
    return this.commands.execute(new ExpireHoldCommand(job.data.holdId));
  }
}
