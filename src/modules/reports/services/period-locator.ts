import { Injectable } from '@nestjs/common';
import type { LedgerEntry } from '../../wallet';
import type { Period } from '../domain/report-filter';
import { LedgerReader } from '../persistence/ledger-reader';

/** Inclusive seq bounds; empty when `highest < lowest`. */
export interface SeqBounds {
  lowest: number;
  highest: number;
}

/**
 * Turns a period into the seq bounds of a wallet's chain by binary search over `_id` lookups:
 * `created_at` grows with `seq` (each entry is created after the one it chains to), so about
 * log2(head) reads find either end, however long the history.
 */
@Injectable()
export class PeriodLocator {
  constructor(private readonly reader: LedgerReader) {}

  async locate(walletId: string, period: Period, head: number): Promise<SeqBounds> {
    const probe = this.prober(walletId);
    // The two ends are independent: searching them side by side halves the latency.
    const [lowest, highest] = await Promise.all([
      period.from ? this.firstAtOrAfter(probe, period.from, 1, head) : 1,
      period.toExclusive ? this.firstAtOrAfter(probe, period.toExclusive, 1, head).then((seq) => seq - 1) : head,
    ]);
    return { lowest, highest };
  }

  /** The smallest seq in [low, high] created at or after `instant` (high + 1 when there is none). */
  private async firstAtOrAfter(probe: (seq: number) => Promise<LedgerEntry>, instant: Date, low: number, high: number): Promise<number> {
    let lo = low;
    let hi = high + 1;
    const t = instant.getTime();
    while (lo < hi) {
      const mid = lo + Math.floor((hi - lo) / 2);
      if ((await probe(mid)).created_at.getTime() >= t) hi = mid;
      else lo = mid + 1;
    }
    return lo;
  }

  private prober(walletId: string): (seq: number) => Promise<LedgerEntry> {
    const seen = new Map<number, Promise<LedgerEntry>>();
    return (seq) => {
      let entry = seen.get(seq);
      if (!entry) {
        entry = this.reader.entryAt(walletId, seq).then((found) => {
          if (!found) throw new Error(`ledger entry ${walletId}#${seq} is missing below the head`);
          return found;
        });
        seen.set(seq, entry);
      }
      return entry;
    };
  }
}
