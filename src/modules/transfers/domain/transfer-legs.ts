import { LedgerEntry, pageKeyOf, seqOfEntryId } from '../../wallet';
import type { Posting } from '../../wallet';

export type TransferLeg = 'DEBIT' | 'CREDIT' | 'REFUND';

export interface TransferFacts {
  _id: string;
  sender_id: string;
  receiver_id: string;
  amount: number;
  remarks: string;
}

/**
 * The operation id of a leg. The credit of the receiver and the refund of the sender share one,
 * `TRANSFER:<id>:SETTLE`: the ledger's unique `op_id` index lets exactly one of them ever be written,
 * so a transfer is credited or refunded, never both, whatever executions race, without any separate
 * decision record. `legacy` gives the ids of transfers settled by an earlier version, whose credit and
 * refund had ids of their own (`…:CREDIT`, `…:REFUND`) behind a claimed outcome document.
 */
export function transferOpId(transferId: string, leg: TransferLeg, legacy = false): string {
  return `TRANSFER:${transferId}:${leg === 'DEBIT' || legacy ? leg : 'SETTLE'}`;
}

/**
 * The ledger posting of one leg of a transfer. Its op id is what makes each leg happen at most once,
 * however many times the transfer is executed. Every leg obeys the wallet limits: a credit or a refund
 * that would take its wallet above the maximum balance is refused by the ledger like a top-up is.
 */
export function transferLeg(leg: TransferLeg, t: TransferFacts, legacy = false): Omit<Posting, 'mayExist'> {
  const common = { opId: transferOpId(t._id, leg, legacy), amount: t.amount, refId: t._id };
  switch (leg) {
    case 'DEBIT':
      return { ...common, walletId: t.sender_id, entryType: 'TRANSFER_OUT', direction: 'DEBIT', remarks: t.remarks, counterpartyId: t.receiver_id, status: 'PENDING' };
    case 'CREDIT':
      return { ...common, walletId: t.receiver_id, entryType: 'TRANSFER_IN', direction: 'CREDIT', remarks: t.remarks, counterpartyId: t.sender_id };
    case 'REFUND':
      return { ...common, walletId: t.sender_id, entryType: 'TRANSFER_REFUND', direction: 'CREDIT', remarks: `Refund: ${t.remarks}`.slice(0, 255), counterpartyId: t.receiver_id };
  }
}

/** A transfer's facts as its debit entry holds them (to rebuild a record lost after the debit). */
export function transferFacts(debit: Pick<LedgerEntry, 'ref_id' | 'wallet_id' | 'counterparty_id' | 'amount' | 'remarks'>): TransferFacts {
  return { _id: debit.ref_id, sender_id: debit.wallet_id, receiver_id: debit.counterparty_id ?? '', amount: debit.amount, remarks: debit.remarks };
}

/**
 * The sender's debit entry as the transfer record describes it (`debit_entry_id` and the balances around
 * it, written from the entry when the transfer was accepted), so settling needs no read of it. Null for a
 * record that does not carry them (written by an earlier version).
 */
export function debitEntryOf(t: TransferFacts & { debit_entry_id?: string; debit_balance_before?: number; debit_balance_after?: number; created_at: Date }): LedgerEntry | null {
  if (!t.debit_entry_id || t.debit_balance_before === undefined || t.debit_balance_after === undefined) return null;
  const leg = transferLeg('DEBIT', t);
  const seq = seqOfEntryId(t.debit_entry_id);
  return {
    _id: t.debit_entry_id,
    wallet_id: leg.walletId,
    seq,
    page_key: pageKeyOf(leg.walletId, seq),
    op_id: leg.opId,
    entry_type: leg.entryType,
    transaction_type: leg.direction,
    amount: leg.amount,
    balance_before: t.debit_balance_before,
    balance_after: t.debit_balance_after,
    remarks: leg.remarks ?? '',
    ref_id: leg.refId,
    counterparty_id: leg.counterpartyId ?? null,
    status: leg.status ?? 'PENDING',
    created_at: t.created_at,
  };
}
