import type { TransferDocument, TransferStatus } from '../persistence/transfer.schemas';

/**
 * A transfer's status. A success is written on neither the record nor the debit entry when the record
 * names its debit entry (`debit_entry_id`): it is the sender's `transfer.succeeded` status event
 * (`transferSucceededKey`), the insert that claims the success once. So such a record stays `PENDING`
 * once its transfer succeeded, and the event tells. A failure is written on the record, with its reason
 * (and on the debit entry); records of earlier versions carry every status themselves.
 */
export function transferStatusOf(record: Pick<TransferDocument, 'status' | 'debit_entry_id'>, succeeded: boolean): TransferStatus {
  return statusOnEvent(record) && succeeded ? 'SUCCESS' : record.status;
}

/** Whether the record's status may not be the transfer's: then its success event tells (`transferStatusOf`). */
export function statusOnEvent(record: Pick<TransferDocument, 'status' | 'debit_entry_id'>): boolean {
  return record.status === 'PENDING' && !!record.debit_entry_id;
}
