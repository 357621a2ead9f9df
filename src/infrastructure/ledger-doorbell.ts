import { Global, Inject, Injectable, Module, OnApplicationShutdown } from '@nestjs/common';
import { createHmac, hkdfSync, timingSafeEqual } from 'node:crypto';
import Redis from 'ioredis';
import { LRUCache } from 'lru-cache';
import { AppConfig } from '../config/app-config';
import { REDIS, RedisKeys } from './redis.module';

/**
 * The last slot of a chain a process wrote: for the ledger, the entry's seq, `balance_after` and stored
 * running totals (`head`); for status events, the slot number alone.
 */
export interface SlotHead {
  seq: number;
  balance?: number;
  running?: number[];
}

/** What one ring says of one id (a wallet, which is also its user). */
export interface Ring {
  id: string;
  /** The ledger entry the ringing process just wrote (its seq, balance after and running totals). */
  ledger?: SlotHead;
  /** The status-event slot the ringing process just wrote. */
  events?: SlotHead;
}

/**
 * One doorbell message: `~<signature>` then a space-separated token per id: `<id>`, optionally followed by
 * `:L<seq>,<balance>[,<running totals>…]` and `:E<slot>`. The signature is an HMAC-SHA256 (truncated to 16
 * bytes) of the tokens under `key`, so only this service's processes can announce a head; the ids alone
 * (to wake readers) are read from any message.
 */
export function ringMessage(rings: Iterable<Ring>, key: Buffer): string {
  const tokens: string[] = [];
  for (const r of rings) {
    let token = r.id;
    if (r.ledger) token += `:L${[r.ledger.seq, r.ledger.balance ?? '', ...(r.ledger.running ?? [])].join(',')}`;
    if (r.events) token += `:E${r.events.seq}`;
    tokens.push(token);
  }
  const body = tokens.join(' ');
  return `~${sign(body, key)} ${body}`;
}

/** The rings of a message; slots are kept only when the signature is this service's. */
export function ringsOf(message: string, key?: Buffer): Ring[] {
  const space = message.indexOf(' ');
  const signed = message.startsWith('~') && space > 0;
  const body = signed ? message.slice(space + 1) : message;
  const trusted = signed && key !== undefined && sameSignature(message.slice(1, space), sign(body, key));
  const rings: Ring[] = [];
  for (const token of body.split(' ')) {
    if (!token) continue;
    const [id, ...parts] = token.split(':');
    const ring: Ring = { id };
    if (trusted) {
      for (const part of parts) {
        const numbers = part.slice(1).split(',').map((n) => (n === '' ? undefined : Number(n)));
        const [seq, balance, ...running] = numbers;
        if (seq === undefined || !Number.isSafeInteger(seq) || seq <= 0) continue;
        if (part[0] === 'L' && balance !== undefined && Number.isSafeInteger(balance)) {
          ring.ledger = { seq, balance, ...(running.length && running.every((n) => Number.isSafeInteger(n)) ? { running: running as number[] } : {}) };
        } else if (part[0] === 'E') {
          ring.events = { seq };
        }
      }
    }
    rings.push(ring);
  }
  return rings;
}

function sign(body: string, key: Buffer): string {
  return createHmac('sha256', key).update(body).digest('base64url').slice(0, 22);
}

function sameSignature(a: string, b: string): boolean {
  const x = Buffer.from(a);
  const y = Buffer.from(b);
  return x.length === y.length && timingSafeEqual(x, y);
}

/** The doorbell's signing key, derived from the service's secret (HKDF), so it needs no setting of its own. */
export function doorbellKey(secret: string): Buffer {
  return Buffer.from(hkdfSync('sha256', secret, '', 'dompet ledger doorbell', 32));
}

/**
 * Rings after ledger inserts and status events: publishes the ids of the wallets that moved on one Redis
 * channel, so the processes serving `GET /events` read those wallets at once instead of at their next
 * periodic re-read, and the other writers of a chain learn where it reached (`AnnouncedSlots`). The rings
 * of one turn of the event loop leave as one message (`ringMessage`), so a busy process sends one
 * `PUBLISH` for many entries. Only a hint: fire and forget, skipped while Redis is not connected (the
 * periodic re-read catches up; a writer that missed an announcement finds its slot taken and reads on).
 */
@Injectable()
export class LedgerDoorbell implements OnApplicationShutdown {
  readonly channel: string;
  readonly key: Buffer;
  private readonly rung = new Map<string, Ring>();
  private scheduled = false;
  /** The process's one subscription, shared by every listener (each message read and checked once). */
  private sub?: Redis;
  private readonly listeners = new Set<(ring: Ring) => void>();

  constructor(
    @Inject(REDIS) private readonly redis: Redis,
    keys: RedisKeys,
    config: AppConfig,
  ) {
    this.channel = keys.key('events', 'doorbell');
    this.key = doorbellKey(config.jwtSecret);
  }

  /**
   * Listens: `onWallet` is called for every wallet id of every message (`what` names the listener in
   * warnings). Returns how to stop listening.
   */
  listen(what: string, onWallet: (walletId: string) => void, warn: (message: string) => void): () => Promise<void> {
    return this.listenRings(what, (ring) => onWallet(ring.id), warn);
  }

  /** As `listen`, with each ring's announced slots (only from messages signed by this service). */
  listenRings(what: string, onRing: (ring: Ring) => void, warn: (message: string) => void): () => Promise<void> {
    this.listeners.add(onRing);
    if (!this.sub) {
      const sub = this.redis.duplicate();
      this.sub = sub;
      sub.on('error', (err) => warn(`${what} doorbell: ${err.message}`));
      sub.on('message', (_channel: string, message: string) => {
        const rings = ringsOf(message, this.key);
        for (const listener of this.listeners) for (const ring of rings) listener(ring);
      });
      sub.subscribe(this.channel).catch((err: Error) => warn(`${what} doorbell subscribe: ${err.message}`));
    }
    return async () => {
      this.listeners.delete(onRing);
      if (this.listeners.size === 0) await this.close();
    };
  }

  async onApplicationShutdown(): Promise<void> {
    await this.close();
  }

  private async close(): Promise<void> {
    const sub = this.sub;
    this.sub = undefined;
    await sub?.quit().catch(() => sub.disconnect());
  }

  /** Rings for `id`, announcing the ledger entry or status-event slot just written when given. */
  ring(id: string, wrote: { ledger?: SlotHead; events?: SlotHead } = {}): void {
    const ring = this.rung.get(id) ?? { id };
    if (wrote.ledger && wrote.ledger.seq > (ring.ledger?.seq ?? 0)) ring.ledger = wrote.ledger;
    if (wrote.events && wrote.events.seq > (ring.events?.seq ?? 0)) ring.events = wrote.events;
    this.rung.set(id, ring);
    if (this.scheduled) return;
    this.scheduled = true;
    setImmediate(() => this.flush());
  }

  private flush(): void {
    this.scheduled = false;
    const rings = [...this.rung.values()];
    this.rung.clear();
    if (this.redis.status !== 'ready') return;
    this.redis.publish(this.channel, ringMessage(rings, this.key)).catch(() => undefined);
  }
}

/**
 * The furthest slot of each chain that any process (this one included) announced on the doorbell, of one
 * kind: `ledger` (wallet entries, with the entry's balance and running totals) or `events` (status
 * events). An announcement is a signed statement by a process of this service that it has just written
 * that slot, as good as what the process itself remembers of its own writes: a writer chains after it
 * without reading, and a chain that moved on since is found out by the insert (its slot is taken). The
 * 50,000 ids announced last are kept.
 */
export class AnnouncedSlots {
  private readonly slots = new LRUCache<string, SlotHead>({ max: 50_000 });
  private stop?: () => Promise<void>;

  constructor(private readonly kind: 'ledger' | 'events') {}

  listen(doorbell: LedgerDoorbell | undefined, warn: (message: string) => void): void {
    this.stop = doorbell?.listenRings(`${this.kind} slots`, (ring) => this.note(ring.id, ring[this.kind]), warn);
  }

  async close(): Promise<void> {
    const stop = this.stop;
    this.stop = undefined;
    await stop?.();
  }

  note(id: string, slot: SlotHead | undefined): void {
    if (slot && slot.seq > (this.slots.get(id)?.seq ?? 0)) this.slots.set(id, slot);
  }

  /** The furthest slot announced for `id` when it is beyond `known`, else undefined. */
  beyond(id: string, known: number): SlotHead | undefined {
    const slot = this.slots.get(id);
    return slot !== undefined && slot.seq > known ? slot : undefined;
  }
}

/** One doorbell per process, for every module that rings or listens. */
@Global()
@Module({ providers: [LedgerDoorbell], exports: [LedgerDoorbell] })
export class LedgerDoorbellModule {}
