import { Injectable, Logger, OnApplicationBootstrap, OnApplicationShutdown, OnModuleInit } from '@nestjs/common';
import { CommandBus } from '@nestjs/cqrs';
import { AppConfig } from '../../../config/app-config';
import { LedgerDoorbell } from '../../../infrastructure/ledger-doorbell';
import { PeriodicJobs } from '../../../infrastructure/periodic-jobs';
import { CatchUpWebhookDispatchCommand } from '../commands/catch-up-webhook-dispatch/catch-up-webhook-dispatch.command';
import { DispatchWalletEventsCommand } from '../commands/dispatch-wallet-events/dispatch-wallet-events.command';
import { WebhooksRepository } from '../persistence/webhooks.repository';

/** Wallets dispatched at once by one worker process. */
const PARALLEL = 8;
/**
 * While no endpoint is registered, rings are held and the endpoint list is read again only after this
 * long: a ring then costs nothing. Held rings are dispatched if an endpoint has appeared by then, and
 * dropped if not (no endpoint existed when their events happened, and an endpoint only gets the events
 * from its registration on).
 */
const NO_ENDPOINTS_RECHECK_MS = 2_000;

export const WEBHOOK_CATCH_UP_JOB = 'webhook-catch-up';

/**
 * The worker side of webhooks: listens to the ledger's doorbell (Redis pub/sub, rung after every ledger
 * insert, nothing added to the request path) and dispatches the wallet that moved; registers the
 * catch-up every `WEBHOOK_CATCHUP_MS` (a `periodic` job, so its schedule comes back by itself after Redis
 * lost its data), which finds what a lost ring or a Redis outage left behind. Rings for a wallet that
 * is being dispatched make it run once more after; at most `PARALLEL` wallets at once.
 */
@Injectable()
export class WebhookDispatcher implements OnModuleInit, OnApplicationBootstrap, OnApplicationShutdown {
  private readonly logger = new Logger(WebhookDispatcher.name);
  private stopListening?: () => Promise<void>;
  private readonly waiting = new Set<string>();
  private readonly running = new Set<string>();
  private readonly again = new Set<string>();
  private stopped = false;
  /** Rings held while no endpoint is known to exist (see NO_ENDPOINTS_RECHECK_MS). */
  private readonly held = new Set<string>();
  private recheck?: NodeJS.Timeout;

  constructor(
    private readonly commands: CommandBus,
    private readonly doorbell: LedgerDoorbell,
    private readonly repo: WebhooksRepository,
    private readonly periodic: PeriodicJobs,
    private readonly config: AppConfig,
  ) {}

  onModuleInit(): void {
    this.periodic.register({ name: WEBHOOK_CATCH_UP_JOB, every: this.config.webhookCatchUpMs, run: () => this.commands.execute(new CatchUpWebhookDispatchCommand()) });
  }

  onApplicationBootstrap(): void {
    this.stopListening = this.doorbell.listen(
      'webhook',
      (walletId) => this.ring(walletId),
      (message) => this.logger.warn(message),
    );
  }

  /** Holds the ring and reads the endpoint list again in NO_ENDPOINTS_RECHECK_MS. */
  private hold(walletId: string): void {
    this.held.add(walletId);
    if (this.recheck || this.stopped) return;
    this.recheck = setTimeout(() => {
      void this.repo.anyEndpoint().then(
        (any) => this.release(any),
        () => this.release(true),
      );
    }, NO_ENDPOINTS_RECHECK_MS);
    this.recheck.unref();
  }

  private release(dispatch: boolean): void {
    this.recheck = undefined;
    const held = [...this.held];
    this.held.clear();
    if (dispatch) for (const walletId of held) this.ring(walletId);
  }

  async onApplicationShutdown(): Promise<void> {
    if (this.recheck) clearTimeout(this.recheck);
    this.stopped = true;
    const stop = this.stopListening;
    this.stopListening = undefined;
    await stop?.();
  }

  /** Dispatches the wallet soon (once more after the current run when it is being dispatched). */
  ring(walletId: string): void {
    if (this.stopped) return;
    if (this.recheck) {
      this.held.add(walletId);
      return;
    }
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
      const created = await this.commands.execute(new DispatchWalletEventsCommand(walletId));
      if (created === null) this.hold(walletId);
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
