import { redactUrl } from '../../../infrastructure/logging.module';
import type { LedgerEntry } from '../../wallet';
import { sseMessage } from '../services/event-streams';
import { toWalletEvent } from './wallet-event';

const entry = (over: Partial<LedgerEntry>): LedgerEntry => ({
  _id: 'u1:000000000002',
  wallet_id: 'u1',
  seq: 2,
  page_key: 'u1:0000000000',
  op_id: 'TRANSFER:t1:DEBIT',
  entry_type: 'TRANSFER_OUT',
  transaction_type: 'DEBIT',
  amount: 30000,
  balance_before: 100000,
  balance_after: 70000,
  remarks: 'Hadiah',
  ref_id: 't1',
  counterparty_id: 'u2',
  status: 'SUCCESS',
  created_at: new Date('2021-04-01T15:23:20Z'),
  ...over,
});

describe('wallet events derived from ledger entries', () => {
  it('gives a transfer debit the type transfer.pending and the status it was written with, whatever it became since', () => {
    expect(toWalletEvent(entry({}), 'Asia/Jakarta')).toEqual({
      id: '2',
      event_id: 'u1:000000000002',
      type: 'transfer.pending',
      user_id: 'u1',
      created_date: '2021-04-01 22:23:20',
      data: {
        transfer_id: 't1',
        status: 'PENDING',
        user_id: 'u1',
        transaction_type: 'DEBIT',
        amount: 30000,
        remarks: 'Hadiah',
        balance_before: 100000,
        balance_after: 70000,
        created_date: '2021-04-01 22:23:20',
        counterparty_user_id: 'u2',
      },
    });
  });

  it('maps every entry kind to its event type', () => {
    const kinds: Array<[LedgerEntry['entry_type'], string]> = [
      ['TOP_UP', 'topup.succeeded'],
      ['PAYMENT', 'payment.succeeded'],
      ['TRANSFER_IN', 'transfer.received'],
      ['TRANSFER_REFUND', 'transfer.failed'],
      ['HOLD', 'hold.created'],
      ['HOLD_RELEASE', 'hold.released'],
    ];
    for (const [entry_type, type] of kinds) expect(toWalletEvent(entry({ entry_type }), 'Asia/Jakarta').type).toBe(type);
    expect(toWalletEvent(entry({ entry_type: 'TRANSFER_REFUND', transaction_type: 'CREDIT' }), 'Asia/Jakarta').data).toMatchObject({ status: 'SUCCESS', reversal: true });
  });

  it('writes one SSE message with the cursor as id and the type as event name', () => {
    const msg = sseMessage(toWalletEvent(entry({ entry_type: 'TOP_UP', transaction_type: 'CREDIT' }), 'Asia/Jakarta'));
    expect(msg.startsWith('id: 2\nevent: topup.succeeded\ndata: {')).toBe(true);
    expect(msg.endsWith('}\n\n')).toBe(true);
    expect(msg.split('\n')).toHaveLength(5);
  });

  it('redacts a stream ticket from logged URLs', () => {
    expect(redactUrl('/events?ticket=abcDEF123_-xyz&after=3')).toBe('/events?ticket=[redacted]&after=3');
  });
});
