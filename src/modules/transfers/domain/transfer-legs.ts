import type { Posting } from '../../wallet/ledger/ledger.service';

export type TransferLeg = 'DEBIT' | 'CREDIT' | 'REFUND';

interface TransferFacts {
  _id: string;
  sender_id: string;
  receiver_id: string;
  amount: number;
  remarks: string;
}

/**
 * The ledger posting of one leg of a transfer. Its op id (`TRANSFER:<id>:<leg>`) is what makes each
 * leg happen at most once, however many times the transfer is executed.
 */
export function transferLeg(leg: TransferLeg, t: TransferFacts): Omit<Posting, 'mayExist'> {
  const common = { opId: `TRANSFER:${t._id}:${leg}`, amount: t.amount, refId: t._id };
  switch (leg) {
    case 'DEBIT':
      return { ...common, walletId: t.sender_id, entryType: 'TRANSFER_OUT', direction: 'DEBIT', remarks: t.remarks, counterpartyId: t.receiver_id, status: 'PENDING' };
    case 'CREDIT':
      return { ...common, walletId: t.receiver_id, entryType: 'TRANSFER_IN', direction: 'CREDIT', remarks: t.remarks, counterpartyId: t.sender_id, enforceMaxBalance: false };
    case 'REFUND':
      return { ...common, walletId: t.sender_id, entryType: 'TRANSFER_REFUND', direction: 'CREDIT', remarks: `Refund: ${t.remarks}`.slice(0, 255), counterpartyId: t.receiver_id, enforceMaxBalance: false };
  }
}
