import { toReportRow } from '../../../src/modules/reports/domain/report-row';
import { buildChain } from '../support/in-memory-ledger.reader';

const at = new Date('2021-04-01T15:21:21Z');
const TZ = 'Asia/Jakarta';

describe('toReportRow', () => {
  const [topUp, pay, out, refund] = buildChain('u1', [
    { type: 'TOP_UP', amount: 500000, at, remarks: 'ignored' },
    { type: 'PAYMENT', amount: 100000, at, remarks: 'Pulsa' },
    { type: 'TRANSFER_OUT', amount: 30000, at, remarks: 'Hadiah', counterpartyId: 'u2', status: 'FAILED' },
    { type: 'TRANSFER_REFUND', amount: 30000, at, remarks: 'Hadiah', counterpartyId: 'u2' },
  ]);

  it('puts the id of its kind first, then the documented keys', () => {
    const base = ['status', 'user_id', 'transaction_type', 'amount', 'remarks', 'balance_before', 'balance_after', 'created_date'];
    expect(Object.keys(toReportRow(topUp, TZ))).toEqual(['top_up_id', ...base]);
    expect(Object.keys(toReportRow(pay, TZ))).toEqual(['payment_id', ...base]);
    expect(Object.keys(toReportRow(out, TZ))).toEqual(['transfer_id', ...base, 'counterparty_user_id']);
    expect(Object.keys(toReportRow(refund, TZ))).toEqual(['transfer_id', ...base, 'counterparty_user_id', 'reversal']);
  });

  it('shows top-ups with empty remarks, dates in the zone, and marks refunds as reversals', () => {
    expect(toReportRow(topUp, TZ)).toEqual({
      top_up_id: topUp.ref_id,
      status: 'SUCCESS',
      user_id: 'u1',
      transaction_type: 'CREDIT',
      amount: 500000,
      remarks: '',
      balance_before: 0,
      balance_after: 500000,
      created_date: '2021-04-01 22:21:21',
    });
    expect(toReportRow(out, TZ)).toMatchObject({ status: 'FAILED', transaction_type: 'DEBIT', counterparty_user_id: 'u2' });
    expect(toReportRow(out, TZ)).not.toHaveProperty('reversal');
    expect(toReportRow(refund, TZ)).toMatchObject({ transaction_type: 'CREDIT', reversal: true, balance_after: 400000 });
  });
});
