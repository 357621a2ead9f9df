import { Logger } from '@nestjs/common';
import { EntryType, NO_TOTALS, RunningTotals, totalsBetween, totalsOf } from '../../wallet';
import { DIRECTION_OF } from '../domain/report-filter';
import type { LedgerReader, RangeSummary, SeqRange, WalletHead } from './ledger-reader';

const logger = new Logger('LedgerReader');

/**
 * `LedgerReader.summarize` for both adapters. The totals of a range are the difference of two
 * entries' running totals (its last entry and the one before it): at most two `_id` reads, none for
 * the last entry when it is the head the caller holds. Every entry carries running totals (the ledger
 * writes them in the insert that claims the slot; migration 20261122000200 backfilled the entries
 * written before), so totals that are missing or do not reconcile the range's balances and length mean
 * a damaged chain (the migration leaves the entries after a gap without them): the range's entries are
 * then summed as they are read (`sumEntries`), and the mismatch logged.
 */
export async function summarizeRange(reader: Pick<LedgerReader, 'entryAt' | 'sumEntries'>, range: SeqRange, head: WalletHead): Promise<RangeSummary> {
  const { walletId, lowest, highest } = range;
  if (highest < lowest) {
    // Nothing happened in the range: the balance is what it was after the last earlier entry.
    const before = Math.min(lowest - 1, head.seq);
    const balance = before === head.seq ? head.balance : before > 0 ? ((await reader.entryAt(walletId, before))?.balance_after ?? 0) : 0;
    return { opening: balance, closing: balance, totals: NO_TOTALS };
  }
  const fromHead = highest === head.seq && head.running !== undefined;
  const [previous, last] = await Promise.all([
    lowest > 1 ? reader.entryAt(walletId, lowest - 1) : Promise.resolve(null),
    fromHead ? Promise.resolve(null) : reader.entryAt(walletId, highest),
  ]);
  const opening = lowest > 1 ? (previous?.balance_after ?? 0) : 0;
  const closing = fromHead ? head.balance : (last?.balance_after ?? 0);
  const carried = lowest === 1 ? NO_TOTALS : totalsOf(previous?.running);
  const through = fromHead ? head.running : totalsOf(last?.running);
  if (through && carried) {
    const totals = totalsBetween(through, carried);
    if (reconciles(totals, opening, closing, range)) return { opening, closing, totals };
  }
  logger.error({ wallet_id: walletId, lowest, highest }, 'running totals of the range are missing or do not reconcile; summing the entries');
  const totals = await reader.sumEntries(range);
  if (!reconciles(totals, opening, closing, range)) logger.error({ wallet_id: walletId, lowest, highest, opening, closing, totals }, 'ledger entries of the range do not reconcile');
  return { opening, closing, totals };
}

/** Whether totals account for every entry of the range and for the move from `opening` to `closing`. */
function reconciles(totals: RunningTotals, opening: number, closing: number, { lowest, highest }: SeqRange): boolean {
  const count = Object.values(totals.counts).reduce((n, c) => n + c, 0);
  return count === highest - lowest + 1 && opening + totals.credit - totals.debit === closing;
}

/** Adds `count` entries of a kind worth `amount` in all to totals being summed (on the side the kind always moves). */
export function addTo(totals: RunningTotals, entryType: EntryType, amount: number, count = 1): void {
  totals.counts[entryType] += count;
  if (DIRECTION_OF[entryType] === 'CREDIT') totals.credit += amount;
  else totals.debit += amount;
}

/** Fresh totals to sum into. */
export function zeroTotals(): RunningTotals {
  return { credit: 0, debit: 0, counts: { ...NO_TOTALS.counts } };
}
