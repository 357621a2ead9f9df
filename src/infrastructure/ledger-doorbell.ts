import { Inject, Injectable } from '@nestjs/common';
import Redis from 'ioredis';
import { REDIS, RedisKeys } from './redis.module';

/** The wallet ids one doorbell message names (space-separated). */
export function walletsRung(message: string): string[] {
  return message.split(' ').filter(Boolean);
}

/**
 * Rings after ledger inserts: publishes the ids of the wallets that moved on one Redis channel, so the
 * processes serving `GET /events` read those wallets at once instead of at their next periodic re-read.
 * The rings of one turn of the event loop leave as one message (ids space-separated, `walletsRung`), so a
 * busy process sends one `PUBLISH` for many entries. Only a hint: fire and forget, skipped while Redis is
 * not connected (the periodic re-read catches up).
 */
@Injectable()
export class LedgerDoorbell {
  readonly channel: string;
  private readonly rung = new Set<string>();
  private scheduled = false;

  constructor(
    @Inject(REDIS) private readonly redis: Redis,
    keys: RedisKeys,
  ) {
    this.channel = keys.key('events', 'doorbell');
  }

  /**
   * Listens on its own Redis connection: `onWallet` is called for every wallet id of every message
   * (`what` names the listener in warnings). Returns how to stop listening.
   */
  listen(what: string, onWallet: (walletId: string) => void, warn: (message: string) => void): () => Promise<void> {
    const sub = this.redis.duplicate();
    sub.on('error', (err) => warn(`${what} doorbell: ${err.message}`));
    sub.on('message', (_channel: string, message: string) => {
      for (const walletId of walletsRung(message)) onWallet(walletId);
    });
    sub.subscribe(this.channel).catch((err: Error) => warn(`${what} doorbell subscribe: ${err.message}`));
    return async () => {
      await sub.quit().catch(() => sub.disconnect());
    };
  }

  ring(walletId: string): void {
    this.rung.add(walletId);
    if (this.scheduled) return;
    this.scheduled = true;
    setImmediate(() => this.flush());
  }

  private flush(): void {
    this.scheduled = false;
    const ids = [...this.rung].join(' ');
    this.rung.clear();
    if (this.redis.status !== 'ready') return;
    this.redis.publish(this.channel, ids).catch(() => undefined);
  }
}
