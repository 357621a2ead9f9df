import type { EntryStatus } from '../../wallet';
import type { TransferDocument, TransferStatus } from '../persistence/transfer.schemas';

/**
 * A transfer's status. A success is not written on the record when the record names its debit entry
 * (`debit_entry_id`): the settlement's last status write is the debit entry's `SUCCESS` (the status
 * the sender's report shows), and that is the transfer's. So such a record stays `PENDING` once its
 * transfer succeeded, and its status is the debit entry's. A failure is written on the record, with
 * its reason; records of earlier versions carry every status themselves.
 */
export function transferStatusOf(record: Pick<TransferDocument, 'status' | 'debit_entry_id'>, debitStatus: EntryStatus | null | undefined): TransferStatus {
  return statusOnDebit(record) && debitStatus === 'SUCCESS' ? 'SUCCESS' : record.status;
}

/** Whether the record's status may not be the transfer's: then its debit entry's status tells (`transferStatusOf`). */
export function statusOnDebit(record: Pick<TransferDocument, 'status' | 'debit_entry_id'>): boolean {
  return record.status === 'PENDING' && !!record.debit_entry_id;
}
