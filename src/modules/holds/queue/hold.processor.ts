import { Process, Processor } from '@nestjs/bull';
import { CommandBus } from '@nestjs/cqrs';
import type { Job } from 'bull';
import { ExpireHoldCommand } from '../commands/expire-hold/expire-hold.command';
import { EXPIRE_HOLD_JOB, HOLD_QUEUE, HoldJobData } from './hold-queue';

/** Thin Bull processor: each job dispatches the expire-hold command (idempotent; a held release throws and is retried). */
@Processor(HOLD_QUEUE)
export class HoldProcessor {
  constructor(private readonly commands: CommandBus) {}

  @Process({ name: EXPIRE_HOLD_JOB, concurrency: Number(process.env.TRANSFER_CONCURRENCY ?? 4) })
  handle(job: Job<HoldJobData>) {
    return this.commands.execute(new ExpireHoldCommand(job.data.holdId));
  }
}
