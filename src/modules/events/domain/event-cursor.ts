import type { WalletEvent } from './wallet-event';

/**
 * A position in a user's event stream: `seq`, the last ledger entry of the user's wallet sent, and
 * `n`, the last record of the user's `status_events` sent. Both sequences are gapless and grow only
 * (each slot is claimed by an insert after the previous one exists), so "everything after (seq, n)" is
 * exact: nothing missed, nothing repeated, whatever order the two were interleaved in.
 *
 * Written `<seq>` while `n` is 0 (every cursor from before status events existed stays valid and means
 * the same), else `<seq>.<n>`.
 */
export interface EventCursor {
  seq: number;
  n: number;
}

export const CURSOR_PATTERN = '^\\d{1,15}(\\.\\d{1,15})?$';
const CURSOR = new RegExp(CURSOR_PATTERN);

export function parseCursor(raw: string): EventCursor | null {
  const text = raw.trim();
  if (!CURSOR.test(text)) return null;
  const [seq, n = '0'] = text.split('.');
  return { seq: Number(seq), n: Number(n) };
}

export function formatCursor(cursor: EventCursor): string {
  return cursor.n === 0 ? String(cursor.seq) : `${cursor.seq}.${cursor.n}`;
}

/** A ledger event read after the cursor, with the entry's seq and creation time. */
export interface LedgerItem {
  seq: number;
  at: number;
  event: WalletEvent;
}

/** A status event read after the cursor: its slot `n`, the ledger seq it must follow (`after_seq`), its time. */
export interface StatusItem {
  n: number;
  afterSeq: number;
  at: number;
  event: WalletEvent;
}

/**
 * Interleaves the ledger events and the status events read after `cursor` into one stream, each with
 * the cursor that resumes right after it as its `id`. Order: by creation time (a ledger entry first on
 * a tie), except that a status event never comes before the ledger entry it follows (`afterSeq`: the
 * sender's debit for `transfer.succeeded`), whatever the clocks say. When a read was cut at its batch
 * size (`ledgerFull` / `statusFull`), merging stops where that list runs out: what follows waits for the
 * next read, so a cut never reorders anything.
 *
 * The status events must have been read *before* the ledger events: every entry a status event follows
 * was written before it, so it is then among the ledger events read (or before the cursor).
 */
export function mergeEvents(cursor: EventCursor, ledger: LedgerItem[], status: StatusItem[], full: { ledgerFull: boolean; statusFull: boolean }): WalletEvent[] {
  let { seq, n } = cursor;
  const out: WalletEvent[] = [];
  let i = 0;
  let j = 0;
  for (;;) {
    if ((i >= ledger.length && full.ledgerFull) || (j >= status.length && full.statusFull)) break;
    const l = ledger[i];
    const s = status[j];
    let takeLedger: boolean;
    if (l && s) takeLedger = s.afterSeq > seq || l.at <= s.at;
    else if (l) takeLedger = true;
    else if (s) takeLedger = false;
    else break;
    if (takeLedger) {
      seq = l.seq;
      i++;
      out.push({ ...l.event, id: formatCursor({ seq, n }) });
    } else {
      n = s.n;
      j++;
      out.push({ ...s.event, id: formatCursor({ seq, n }) });
    }
  }
  return out;
}
