import { EventCursor, formatCursor, LedgerItem, mergeEvents, parseCursor, StatusItem } from './event-cursor';
import type { WalletEvent } from './wallet-event';

const ev = (event_id: string): WalletEvent => ({ id: '', event_id, type: 'topup.succeeded', user_id: 'u', created_date: '', data: {} as WalletEvent['data'] });
const L = (seq: number, at: number): LedgerItem => ({ seq, at, event: ev(`L${seq}`) });
const S = (n: number, at: number, afterSeq = 0): StatusItem => ({ n, afterSeq, at, event: ev(`S${n}`) });
const open = { ledgerFull: false, statusFull: false };
const ids = (events: WalletEvent[]) => events.map((e) => `${e.event_id}@${e.id}`);

describe('event cursor', () => {
  it('reads and writes <seq> and <seq>.<n>; a plain number is a cursor with no status event yet', () => {
    expect(parseCursor('7')).toEqual({ seq: 7, n: 0 });
    expect(parseCursor(' 12.3 ')).toEqual({ seq: 12, n: 3 });
    expect(parseCursor('0')).toEqual({ seq: 0, n: 0 });
    for (const bad of ['', '-1', 'abc', '1.', '.1', '1.2.3', '1e3', '1234567890123456']) expect(parseCursor(bad)).toBeNull();
    expect(formatCursor({ seq: 7, n: 0 })).toBe('7');
    expect(formatCursor({ seq: 0, n: 2 })).toBe('0.2');
    expect(parseCursor(formatCursor({ seq: 41, n: 9 }))).toEqual({ seq: 41, n: 9 });
  });
});

describe('merging ledger and status events', () => {
  it('interleaves by time, a ledger event first on a tie, each with the cursor that resumes right after it', () => {
    const out = mergeEvents({ seq: 0, n: 0 }, [L(1, 10), L(2, 20), L(3, 30)], [S(1, 20), S(2, 25)], open);
    expect(ids(out)).toEqual(['L1@1', 'L2@2', 'S1@2.1', 'S2@2.2', 'L3@3.2']);
  });

  it('never puts a status event before the ledger entry it follows, whatever the clocks say', () => {
    // transfer.succeeded stamped (by a worker whose clock is behind) before its own debit, entry 2.
    const out = mergeEvents({ seq: 0, n: 0 }, [L(1, 10), L(2, 50)], [S(1, 5, 2)], open);
    expect(ids(out)).toEqual(['L1@1', 'L2@2', 'S1@2.1']);
  });

  it('stops where a list cut at its batch size runs out, so the next read continues in order', () => {
    const cut = mergeEvents({ seq: 0, n: 0 }, [L(1, 10), L(2, 20)], [S(1, 30)], { ledgerFull: true, statusFull: false });
    expect(ids(cut)).toEqual(['L1@1', 'L2@2']);
    const next = mergeEvents({ seq: 2, n: 0 }, [L(3, 25)], [S(1, 30)], open);
    expect(ids(next)).toEqual(['L3@3', 'S1@3.1']);
    expect(ids(mergeEvents({ seq: 0, n: 0 }, [L(1, 40)], [S(1, 10), S(2, 20)], { ledgerFull: false, statusFull: true }))).toEqual(['S1@0.1', 'S2@0.2']);
  });

  it('resumes after any id it gave with exactly the events that followed it', () => {
    const ledger = [L(1, 10), L(2, 20), L(3, 30), L(4, 40)];
    const status = [S(1, 15), S(2, 22, 2), S(3, 35)];
    const all = mergeEvents({ seq: 0, n: 0 }, ledger, status, open);
    expect(all).toHaveLength(7);
    all.forEach((event, k) => {
      const after: EventCursor = parseCursor(event.id)!;
      const rest = mergeEvents(
        after,
        ledger.filter((l) => l.seq > after.seq),
        status.filter((s) => s.n > after.n),
        open,
      );
      expect(ids(rest)).toEqual(ids(all.slice(k + 1)));
    });
  });

  it('sends a status event whose ledger entry is not there rather than stalling the stream', () => {
    expect(ids(mergeEvents({ seq: 1, n: 0 }, [], [S(1, 5, 9)], open))).toEqual(['S1@1.1']);
  });
});
