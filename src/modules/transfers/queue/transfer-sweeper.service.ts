import { Inject, Injectable, Logger, OnApplicationBootstrap, OnApplicationShutdown } from '@nestjs/common';
import { CommandBus } from '@nestjs/cqrs';
import Redis from 'ioredis';
import { randomUUID } from 'node:crypto';
import { AppConfig } from '../../../config/app-config';
import { REDIS, RedisKeys } from '../../../infrastructure/redis.module';
import { RepairWalletStatusesCommand } from '../../users';
import { IdempotencyService } from '../../idempotency';
import { RecoverPendingTransfersCommand } from '../commands/recover-pending-transfers/recover-pending-transfers.command';

/**
 * Background duties of worker processes: the transfer recovery sweep (with it, the completion of
 * wallet status changes a crash interrupted) and the expiry of idempotency keys. A Redis lock (`SET NX PX`) lets only one process across all instances run each at a time.
 */
@Injectable()
export class TransferSweeper implements OnApplicationBootstrap, OnApplicationShutdown {
  private readonly logger = new Logger(TransferSweeper.name);
  private readonly owner = randomUUID();
  private timers: NodeJS.Timeout[] = [];
  private running = false;

  constructor(
    private readonly commands: CommandBus,
    private readonly idempotency: IdempotencyService,
    @Inject(REDIS) private readonly redis: Redis,
    private readonly keys: RedisKeys,
    private readonly config: AppConfig,
  ) {}

  onApplicationBootstrap(): void {
    this.timers.push(setInterval(() => void this.sweep(), this.config.sweepIntervalMs));
    this.timers.push(setInterval(() => void this.purgeIdempotencyKeys(), this.config.maintenanceIntervalMs));
    for (const t of this.timers) t.unref();
  }

  onApplicationShutdown(): void {
    for (const t of this.timers) clearInterval(t);
  }

  async sweep(): Promise<void> {
    if (this.running) return;
    this.running = true;
    try {
      if (!(await this.lock('sweep-lock', this.config.sweepIntervalMs))) return;
      await this.commands.execute(new RecoverPendingTransfersCommand(this.config.sweepMinAgeMs));
      await this.commands.execute(new RepairWalletStatusesCommand(this.config.sweepMinAgeMs));
    } catch (err) {
      this.logger.warn(`recovery sweep failed: ${(err as Error).message}`);
    } finally {
      this.running = false;
    }
  }

  private async purgeIdempotencyKeys(): Promise<void> {
    try {
      if (!(await this.lock('idempotency-purge-lock', this.config.maintenanceIntervalMs))) return;
      const removed = await this.idempotency.purgeExpired();
      if (removed) this.logger.log(`removed ${removed} expired idempotency keys`);
    } catch (err) {
      this.logger.warn(`idempotency key purge failed: ${(err as Error).message}`);
    }
  }

  private async lock(name: string, ttlMs: number): Promise<boolean> {
    return (await this.redis.set(this.keys.key(name), this.owner, 'PX', Math.max(ttlMs - 50, 50), 'NX')) === 'OK';
  }
}
