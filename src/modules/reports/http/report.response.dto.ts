import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { ENTRY_STATUSES, TRANSACTION_TYPES } from '../domain/report-filter';

const DATE = { example: '2021-04-01 22:23:20', pattern: '^\\d{4}-\\d{2}-\\d{2} \\d{2}:\\d{2}:\\d{2}$' };

/**
 * What every report entry has. An entry is one of `TopUpEntryDto`, `PaymentEntryDto`, `TransferEntryDto`
 * (a `oneOf` in the document, a union in generated clients), told apart by which id it carries
 * (`'top_up_id' in entry`): the brief's entry has no property whose value names its kind, so there is no
 * `discriminator` keyword, and adding one would change the brief's JSON shape.
 */
class ReportEntryBaseDto {
  @ApiProperty({ enum: ENTRY_STATUSES, example: 'SUCCESS', description: 'An outgoing transfer is PENDING until it settles, then SUCCESS or FAILED' })
  status!: string;

  @ApiProperty({ format: 'uuid', example: '019a4f2d-1111-7a2b-8c3d-4e5f6a7b8c9d', description: 'The owner of the wallet' })
  user_id!: string;

  @ApiProperty({ enum: TRANSACTION_TYPES, example: 'DEBIT' })
  transaction_type!: string;

  @ApiProperty({ type: 'integer', example: 30000, description: 'Integer Rupiah' })
  amount!: number;

  @ApiProperty({ example: 'Hadiah Ultah', description: '`""` for top-ups' })
  remarks!: string;

  @ApiProperty({ type: 'integer', example: 400000 })
  balance_before!: number;

  @ApiProperty({ type: 'integer', example: 370000 })
  balance_after!: number;

  @ApiProperty(DATE)
  created_date!: string;
}

/** A top-up: always a SUCCESS CREDIT with `remarks: ""`. */
export class TopUpEntryDto extends ReportEntryBaseDto {
  @ApiProperty({ format: 'uuid', example: '019a4f2e-7c1d-7b3a-9a4e-2f1c3d4b5a69', description: 'The top-up (first key of the entry)' })
  top_up_id!: string;
}

/** A payment: a DEBIT. */
export class PaymentEntryDto extends ReportEntryBaseDto {
  @ApiProperty({ format: 'uuid', example: '019a4f2f-0b4c-7d2e-8f1a-3c2b1a0f9e8d', description: 'The payment (first key of the entry)' })
  payment_id!: string;
}

/** A transfer leg: the sender's DEBIT, the receiver's CREDIT (same `transfer_id`) or the refund of a FAILED transfer. */
export class TransferEntryDto extends ReportEntryBaseDto {
  @ApiProperty({
    format: 'uuid',
    example: '019a4f30-5a6b-7c8d-9e0f-1a2b3c4d5e6f',
    description: 'The transfer (first key of the entry): the DEBIT of the sender, the CREDIT of the receiver (same transfer_id) and the refund of a failed transfer',
  })
  transfer_id!: string;

  @ApiPropertyOptional({ type: String, format: 'uuid', nullable: true, example: '019a4f2d-2222-7a2b-8c3d-4e5f6a7b8c9d', description: 'The other user of the transfer' })
  counterparty_user_id?: string | null;

  @ApiPropertyOptional({ type: Boolean, example: true, description: 'Only on the CREDIT that refunds a FAILED transfer to its sender (always true when present)' })
  reversal?: boolean;
}

/**
 * A hold's entries: the DEBIT taken when it was authorised (PENDING while the hold is, then SUCCESS when
 * captured, in full or in part, or FAILED when voided or expired) and the CREDIT that releases what was
 * not captured (`reversal: true`).
 */
export class HoldEntryDto extends ReportEntryBaseDto {
  @ApiProperty({
    format: 'uuid',
    example: '019a4f31-6b7c-7d8e-9f0a-2b3c4d5e6f70',
    description: 'The hold (first key of the entry): the DEBIT of the authorisation and the CREDIT releasing what was not captured',
  })
  hold_id!: string;

  @ApiPropertyOptional({ type: Boolean, example: true, description: 'Only on the CREDIT that releases the held money (always true when present)' })
  reversal?: boolean;
}

/** The variants of a report entry, in the order the document lists them. */
export const REPORT_ENTRY_VARIANTS = [TopUpEntryDto, PaymentEntryDto, TransferEntryDto, HoldEntryDto];

export class EntryCountsDto {
  @ApiProperty({ type: 'integer', example: 2 }) TOP_UP!: number;
  @ApiProperty({ type: 'integer', example: 5 }) PAYMENT!: number;
  @ApiProperty({ type: 'integer', example: 1, description: 'Transfers received' }) TRANSFER_IN!: number;
  @ApiProperty({ type: 'integer', example: 3, description: 'Transfers sent (whatever their outcome)' }) TRANSFER_OUT!: number;
  @ApiProperty({ type: 'integer', example: 1, description: 'Refunds of failed transfers' }) TRANSFER_REFUND!: number;
  @ApiProperty({ type: 'integer', example: 1, description: 'Holds authorised (whatever their outcome)' }) HOLD!: number;
  @ApiProperty({ type: 'integer', example: 1, description: 'Releases of held money (voided, expired, or the uncaptured rest)' }) HOLD_RELEASE!: number;
}

export class TransactionsSummaryDto {
  @ApiProperty({ ...DATE, example: '2021-04-01 00:00:00', nullable: true, type: String, description: 'Start of the period (inclusive); null: since the first entry' })
  from!: string | null;

  @ApiProperty({ ...DATE, example: '2021-04-30 23:59:59', nullable: true, type: String, description: 'End of the period (inclusive); null: up to now' })
  to!: string | null;

  @ApiProperty({ type: 'integer', example: 150000, description: 'Balance before the first entry of the period (at its start)' })
  opening_balance!: number;

  @ApiProperty({ type: 'integer', example: 420000, description: 'Balance after the last entry of the period; always opening_balance + total_credit - total_debit' })
  closing_balance!: number;

  @ApiProperty({ type: 'integer', example: 800000, description: 'Money in: top-ups, transfers received, refunds, releases of held money' })
  total_credit!: number;

  @ApiProperty({ type: 'integer', example: 530000, description: 'Money out: payments, transfers sent and holds authorised (a transfer that later failed or a hold released counts here, its refund or release in total_credit)' })
  total_debit!: number;

  @ApiProperty({ type: 'integer', example: 12, description: 'Entries in the period' })
  count!: number;

  @ApiProperty({ type: EntryCountsDto, description: 'Entries in the period per kind' })
  counts!: EntryCountsDto;
}
