import { Inject, Injectable, Logger, OnApplicationBootstrap, OnApplicationShutdown } from '@nestjs/common';
import { CommandBus } from '@nestjs/cqrs';
import Redis from 'ioredis';
import { randomUUID } from 'node:crypto';
import { AppConfig } from '../../../config/app-config';
import { REDIS, RedisKeys } from '../../../infrastructure/redis.module';
import { RecoverDueHoldsCommand } from '../commands/recover-due-holds/recover-due-holds.command';

/**
 * The recovery sweep of holds in worker processes: every `SWEEP_INTERVAL_MS`, one process at a time
 * (Redis `SET NX PX` lock), re-schedules holds due for longer than `SWEEP_MIN_AGE_MS` and not settled
 * whose job is gone (Redis flushed, a job failed for good, a crash before the enqueue).
 */
@Injectable()
export class HoldSweeper implements OnApplicationBootstrap, OnApplicationShutdown {
  private readonly logger = new Logger(HoldSweeper.name);
  private readonly owner = randomUUID();
  private timer: NodeJS.Timeout | undefined;
  private running = false;

  constructor(
    private readonly commands: CommandBus,
    @Inject(REDIS) private readonly redis: Redis,
    private readonly keys: RedisKeys,
    private readonly config: AppConfig,
  ) {}

  onApplicationBootstrap(): void {
    this.timer = setInterval(() => void this.sweep(), this.config.sweepIntervalMs);
    this.timer.unref();
  }

  onApplicationShutdown(): void {
    if (this.timer) clearInterval(this.timer);
  }

  async sweep(): Promise<void> {
    if (this.running) return;
    this.running = true;
    try {
      const locked = await this.redis.set(this.keys.key('hold-sweep-lock'), this.owner, 'PX', Math.max(this.config.sweepIntervalMs - 50, 50), 'NX');
      if (locked !== 'OK') return;
      await this.commands.execute(new RecoverDueHoldsCommand(this.config.sweepMinAgeMs));
    } catch (err) {
      this.logger.warn(`hold recovery sweep failed: ${(err as Error).message}`);
    } finally {
      this.running = false;
    }
  }
}
