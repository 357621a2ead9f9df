import { Inject, Injectable, Logger, OnApplicationBootstrap, OnApplicationShutdown } from '@nestjs/common';
import { CommandBus } from '@nestjs/cqrs';
import Redis from 'ioredis';
import { REDIS } from '../../../infrastructure/redis.module';
import { LedgerDoorbell, walletsRung } from '../../wallet/ledger/ledger-doorbell';
import { DispatchWalletEventsCommand } from '../commands/dispatch-wallet-events/dispatch-wallet-events.command';
import { WebhookQueue } from './webhook-queue';

/** Wallets dispatched at once by one worker process. */
const PARALLEL = 8;

/**
 * The worker side of webhooks: listens to the ledger's doorbell (Redis pub/sub, rung after every ledger
 * insert, nothing added to the request path) and dispatches the wallet that moved; schedules the
 * periodic catch-up, which finds what a lost ring or a Redis outage left behind. Rings for a wallet that
 * is being dispatched make it run once more after; at most `PARALLEL` wallets at once.
 */
@Injectable()
export class WebhookDispatcher implements OnApplicationBootstrap, OnApplicationShutdown {
  private readonly logger = new Logger(WebhookDispatcher.name);
  private subscriber?: Redis;
  private readonly waiting = new Set<string>();
  private readonly running = new Set<string>();
  private readonly again = new Set<string>();
  private stopped = false;

  constructor(
    private readonly commands: CommandBus,
    private readonly queue: WebhookQueue,
    private readonly doorbell: LedgerDoorbell,
    @Inject(REDIS) private readonly redis: Redis,
  ) {}

  onApplicationBootstrap(): void {
    const sub = this.redis.duplicate();
    this.subscriber = sub;
    sub.on('error', (err) => this.logger.warn(`webhook doorbell: ${err.message}`));
    sub.on('message', (_channel: string, message: string) => {
      for (const walletId of walletsRung(message)) this.ring(walletId);
    });
    sub.subscribe(this.doorbell.channel).catch((err: Error) => this.logger.warn(`webhook doorbell subscribe: ${err.message}`));
    this.queue.scheduleCatchUp().catch((err: Error) => this.logger.warn(`webhook catch-up not scheduled: ${err.message}`));
  }

  async onApplicationShutdown(): Promise<void> {
    this.stopped = true;
    const sub = this.subscriber;
    this.subscriber = undefined;
    if (sub) await sub.quit().catch(() => sub.disconnect());
  }

  /** Dispatches the wallet soon (once more after the current run when it is being dispatched). */
  ring(walletId: string): void {
    if (this.stopped) return;
    if (this.running.has(walletId)) this.again.add(walletId);
    else this.waiting.add(walletId);
    this.pump();
  }

  private pump(): void {
    for (const walletId of this.waiting) {
      if (this.running.size >= PARALLEL) return;
      this.waiting.delete(walletId);
      this.running.add(walletId);
      void this.run(walletId);
    }
  }

  private async run(walletId: string): Promise<void> {
    try {
      await this.commands.execute(new DispatchWalletEventsCommand(walletId));
    } catch (err) {
      // The catch-up dispatches it later.
      this.logger.warn(`webhook dispatch of ${walletId} failed: ${(err as Error).message}`);
    } finally {
      this.running.delete(walletId);
      if (this.again.delete(walletId)) this.waiting.add(walletId);
      this.pump();
    }
  }
}
