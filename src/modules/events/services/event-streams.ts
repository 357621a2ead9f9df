import { BeforeApplicationShutdown, HttpStatus, Injectable, Logger, OnApplicationShutdown, OnModuleInit } from '@nestjs/common';
import { QueryBus } from '@nestjs/cqrs';
import { InjectMetric } from '@willsoto/nestjs-prometheus';
import type { Request, Response } from 'express';
import type { Counter, Gauge } from 'prom-client';
import { DomainError } from '../../../common/errors';
import { drained } from '../../../common/http/drained';
import { AppConfig } from '../../../config/app-config';
import { LedgerDoorbell } from '../../../infrastructure/ledger-doorbell';
import { SessionValidator } from '../../auth';
import { EventCursor, parseCursor } from '../domain/event-cursor';
import type { WalletEvent } from '../domain/wallet-event';
import { ReadEventsQuery } from '../queries/read-events/read-events.query';
import type { StreamCredential } from './stream-credential';

export const STREAMS_OPEN_METRIC = 'dompet_event_streams_open';
export const EVENTS_SENT_METRIC = 'dompet_events_sent_total';

const BATCH = 100;
/** How often an open stream re-checks that its session is still open (revocation ends it). */
const SESSION_CHECK_MS = 5000;

export class TooManyStreamsError extends DomainError {
  constructor(scope: 'user' | 'process') {
    super('TOO_MANY_STREAMS', scope === 'user' ? 'Too many open event streams for this user' : 'Too many open event streams, please retry later', HttpStatus.TOO_MANY_REQUESTS);
  }
}

/** Formats one event as an SSE message (`id:` is the per-user cursor). */
export function sseMessage(event: WalletEvent): string {
  return `id: ${event.id}\nevent: ${event.type}\ndata: ${JSON.stringify(event)}\n\n`;
}

/**
 * The open `GET /events` streams of this process. Each stream re-reads the ledger (the truth) every
 * `EVENTS_POLL_MS` after its cursor, writes what it finds in order, waits for 'drain' whenever the
 * socket's buffer is full (a slow client is not read for), sends a heartbeat comment every
 * `EVENTS_HEARTBEAT_SECONDS`, and ends when its access token expires or its session is revoked.
 */
@Injectable()
export class EventStreams implements OnModuleInit, BeforeApplicationShutdown, OnApplicationShutdown {
  private readonly logger = new Logger(EventStreams.name);
  private readonly perUser = new Map<string, number>();
  private readonly open = new Set<() => void>();
  /** The wake-up of each open stream, by user: the doorbell rings them when the user's wallet moves. */
  private readonly wakers = new Map<string, Set<() => void>>();
  private stopListening?: () => Promise<void>;

  constructor(
    private readonly queries: QueryBus,
    private readonly validator: SessionValidator,
    private readonly config: AppConfig,
    @InjectMetric(STREAMS_OPEN_METRIC) private readonly openGauge: Gauge<string>,
    @InjectMetric(EVENTS_SENT_METRIC) private readonly sent: Counter<string>,
    private readonly doorbell: LedgerDoorbell,
  ) {}

  /** Listens to the ledger's doorbell (Redis pub/sub); a lost message only waits for the next re-read. */
  onModuleInit(): void {
    this.stopListening = this.doorbell.listen(
      'events',
      (walletId) => {
        for (const wake of this.wakers.get(walletId) ?? []) wake();
      },
      (message) => this.logger.warn(message),
    );
  }

  async onApplicationShutdown(): Promise<void> {
    const stop = this.stopListening;
    this.stopListening = undefined;
    await stop?.();
  }

  get openCount(): number {
    return this.open.size;
  }

  beforeApplicationShutdown(): void {
    for (const end of [...this.open]) end();
  }

  async serve(req: Request, res: Response, credential: StreamCredential, after: EventCursor): Promise<void> {
    const userId = credential.claims.sub;
    if (this.open.size >= this.config.eventsMaxStreamsPerProcess) throw new TooManyStreamsError('process');
    if ((this.perUser.get(userId) ?? 0) >= this.config.eventsMaxStreamsPerUser) throw new TooManyStreamsError('user');
    this.perUser.set(userId, (this.perUser.get(userId) ?? 0) + 1);

    let ended = false;
    let wake: (() => void) | null = null;
    /** Set by the doorbell while a read is in progress, so the next wait is skipped. */
    let rung = false;
    const ring = () => {
      rung = true;
      wake?.();
    };
    const userWakers = this.wakers.get(userId) ?? new Set<() => void>();
    userWakers.add(ring);
    this.wakers.set(userId, userWakers);
    const timers: NodeJS.Timeout[] = [];
    const end = () => {
      if (ended) return;
      ended = true;
      for (const t of timers) clearTimeout(t);
      this.open.delete(end);
      userWakers.delete(ring);
      if (!userWakers.size && this.wakers.get(userId) === userWakers) this.wakers.delete(userId);
      this.openGauge.set(this.open.size);
      const left = (this.perUser.get(userId) ?? 1) - 1;
      if (left > 0) this.perUser.set(userId, left);
      else this.perUser.delete(userId);
      if (!res.writableEnded) res.end();
      wake?.();
    };
    this.open.add(end);
    this.openGauge.set(this.open.size);
    req.on('close', end);
    res.on('close', end);
    res.on('error', end);

    res.status(200);
    res.setHeader('Content-Type', 'text/event-stream; charset=utf-8');
    res.setHeader('Cache-Control', 'no-cache, no-transform');
    res.setHeader('Connection', 'keep-alive');
    res.setHeader('X-Accel-Buffering', 'no');
    res.flushHeaders();
    res.socket?.setNoDelay(true);
    res.write('retry: 2000\n\n');

    let waitingForDrain = false;
    const write = async (chunk: string) => {
      if (ended) return;
      if (!res.write(chunk)) {
        waitingForDrain = true;
        await drained(res);
        waitingForDrain = false;
      }
    };
    const heartbeat = setInterval(() => {
      if (!waitingForDrain && !ended) res.write(': heartbeat\n\n');
    }, this.config.eventsHeartbeatSeconds * 1000);
    timers.push(heartbeat);
    const untilExpiry = credential.exp * 1000 - Date.now();
    timers.push(setTimeout(end, Math.max(0, Math.min(untilExpiry, 2 ** 31 - 1))));

    let lastSessionCheck = Date.now();
    let cursor = after;
    try {
      while (!ended) {
        rung = false;
        let events: WalletEvent[] = [];
        try {
          events = await this.queries.execute(new ReadEventsQuery(userId, cursor, BATCH));
        } catch (err) {
          // The database did not answer: keep the stream, try again at the next tick.
          this.logger.warn(`events read failed: ${(err as Error).message}`);
        }
        for (const event of events) {
          if (ended) break;
          await write(sseMessage(event));
          this.sent.inc({ type: event.type });
          cursor = parseCursor(event.id) ?? cursor;
        }
        if (Date.now() - lastSessionCheck >= SESSION_CHECK_MS) {
          lastSessionCheck = Date.now();
          const stillValid = await this.validator.validate(credential.claims).then(
            () => true,
            (err: unknown) => !(err instanceof DomainError && err.status === HttpStatus.UNAUTHORIZED),
          );
          if (!stillValid) break;
        }
        // Something was sent: read again at once (a batch may have been cut, see mergeEvents).
        if (events.length || rung || ended) continue;
        await new Promise<void>((resolve) => {
          const t = setTimeout(resolve, this.config.eventsPollMs);
          wake = () => {
            clearTimeout(t);
            resolve();
          };
        });
        wake = null;
      }
    } finally {
      end();
    }
  }
}
