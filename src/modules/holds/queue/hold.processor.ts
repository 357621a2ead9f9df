import { Process, Processor } from '@nestjs/bull';
import { workerConcurrency } from '../../../config/app-config';
import { CommandBus } from '@nestjs/cqrs';
import type { Job } from 'bull';
import { ExpireHoldCommand } from '../commands/expire-hold/expire-hold.command';
import { EXPIRE_HOLD_JOB, HOLD_QUEUE, HoldJobData } from './hold-queue';

/** Thin Bull processor: each job dispatches the expire-hold command (idempotent; a held release throws and is retried). */
@Processor(HOLD_QUEUE)
export class HoldProcessor {
  constructor(private readonly commands: CommandBus) {}

  @Process({ name: EXPIRE_HOLD_JOB, concurrency: workerConcurrency() })
  handle(job: Job<HoldJobData>) {
    return this.commands.execute(new ExpireHoldCommand(job.data.holdId));
  }
}
