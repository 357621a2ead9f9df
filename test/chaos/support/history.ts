import type { Answer, AnswerClass } from './http';

export type MoneyKind = 'topup' | 'pay' | 'transfer';

/** One money operation as the client knows it: its Idempotency-Key, its body and every answer to it. */
export interface MoneyOp {
  kind: MoneyKind;
  client: string;
  userId: string;
  key: string;
  body: Record<string, unknown>;
  /** For a transfer: who the target is (another client, a user being frozen/unfrozen, a user to deactivate). */
  target?: { userId: string; group: string };
  answers: Answer[];
}

export interface LoginAttempt {
  phone: string;
  rightPin: boolean;
  answer: Answer;
  /** The session a 200 opened (the `sid` of its access token). */
  sessionId?: string;
}

export interface RevokedToken {
  token: string;
  userId: string;
  /** When the 2xx answer to POST /logout arrived. */
  revokedAt: number;
}

export interface TokenUse {
  token: string;
  path: string;
  answer: Answer;
}

/** A fault as injected: what, when it started, when restoring began and when it was over (ms since the epoch). */
export interface FaultRecord {
  kind: string;
  target: string;
  startedAt: number;
  restoreAt: number;
  endedAt: number;
  /** Whether a dependency (database or Redis) was fully down in [startedAt, restoreAt]. */
  dependencyDown: boolean;
  /**
   * Whether Redis data was lost: a flush. (kill -9 loses nothing Redis acknowledged: with AOF every write
   * is in the file, only its fsync waits up to a second, and a process crash does not lose the page cache.)
   */
  redisDataLoss: boolean;
  error?: string;
}

export interface ReadinessProbe {
  fault: number;
  answer: Answer;
}

/** Everything the run observed; the invariants are checked over it and the database. */
export class History {
  readonly money: MoneyOp[] = [];
  readonly logins: LoginAttempt[] = [];
  readonly revoked: RevokedToken[] = [];
  readonly tokenUses: TokenUse[] = [];
  /** 401 answers to a client's current session, which nothing in the run ends (no PIN change, no deactivation). */
  readonly liveRefused: Array<{ client: string; what: string; answer: Answer }> = [];
  readonly faults: FaultRecord[] = [];
  readonly readiness: ReadinessProbe[] = [];
  /** Answers by operation kind and class, for the summary. */
  readonly counts = new Map<string, Map<AnswerClass, number>>();

  /** Answers 5xx other than 503 (an unhandled error, where a dependency outage must answer 503). */
  readonly unexpected: Array<{ kind: string; answer: Answer }> = [];

  /** Every answer of the run, by operation kind. */
  readonly answers: Array<{ kind: string; answer: Answer }> = [];

  count(kind: string, answer: Answer): void {
    this.answers.push({ kind, answer });
    if (answer.status !== null && answer.status >= 500 && answer.status !== 503) this.unexpected.push({ kind, answer });
    const row = this.counts.get(kind) ?? new Map<AnswerClass, number>();
    row.set(answer.cls, (row.get(answer.cls) ?? 0) + 1);
    this.counts.set(kind, row);
  }

  /** Redis data-loss faults (flushes) that happened between `from` and `to`. */
  redisLossBetween(from: number, to: number): FaultRecord[] {
    return this.faults.filter((f) => f.redisDataLoss && f.startedAt < to && f.endedAt > from);
  }

  /** Redis outages (kill -9 until restarted) that overlapped `from` to `to`. */
  redisDownBetween(from: number, to: number): FaultRecord[] {
    return this.faults.filter((f) => f.kind === 'redis-kill' && f.startedAt < to && f.endedAt > from);
  }
}
