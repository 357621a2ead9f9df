import { ApiPropertyOptional } from '@nestjs/swagger';
import { IsIn, IsOptional, IsString, MaxLength, Validate, ValidationArguments, ValidatorConstraint, ValidatorConstraintInterface } from 'class-validator';
import { parseZonedDateTime } from '../../../common/util/time';
import type { EntryStatus, TransactionType } from '../../wallet';
import { ENTRY_STATUSES, REPORT_KINDS, ReportKind, TRANSACTION_TYPES } from '../domain/report-filter';

const DATE_FORMATS = '`YYYY-MM-DD`, `YYYY-MM-DD HH:mm:ss` (configured time zone, default Asia/Jakarta) or ISO 8601 with an offset';

@ValidatorConstraint({ name: 'reportDate' })
class ReportDateConstraint implements ValidatorConstraintInterface {
  validate(value: unknown): boolean {
    // Any zone decides validity the same way; the handler parses in the configured zone.
    return typeof value === 'string' && parseZonedDateTime(value, 'UTC') !== null;
  }

  defaultMessage(args?: ValidationArguments): string {
    return `${args?.property ?? 'date'} must be YYYY-MM-DD, YYYY-MM-DD HH:mm:ss or ISO 8601 with an offset`;
  }
}

/** `from` / `to` of every report. */
export class ReportPeriodRequestDto {
  @ApiPropertyOptional({ maxLength: 35, description: `Start of the period, inclusive: ${DATE_FORMATS}` })
  @IsOptional()
  @IsString({ message: 'from must be a string' })
  @MaxLength(35, { message: 'from is too long' })
  @Validate(ReportDateConstraint)
  from?: string;

  @ApiPropertyOptional({
    maxLength: 35,
    description: `End of the period, inclusive: ${DATE_FORMATS}. A bare date means the end of that day. Must not be before \`from\`.`,
  })
  @IsOptional()
  @IsString({ message: 'to must be a string' })
  @MaxLength(35, { message: 'to is too long' })
  @Validate(ReportDateConstraint)
  to?: string;
}

/** The filters a listing and an export share (they combine with AND). */
export class ReportFiltersRequestDto extends ReportPeriodRequestDto {
  @ApiPropertyOptional({ enum: REPORT_KINDS, description: 'Kind of movement; `TRANSFER` covers outgoing, incoming and refunded transfers' })
  @IsOptional()
  @IsIn(REPORT_KINDS, { message: `type must be one of ${REPORT_KINDS.join(', ')}` })
  type?: ReportKind;

  @ApiPropertyOptional({ enum: TRANSACTION_TYPES, description: 'Money in (`CREDIT`) or out (`DEBIT`)' })
  @IsOptional()
  @IsIn(TRANSACTION_TYPES, { message: `transaction_type must be one of ${TRANSACTION_TYPES.join(', ')}` })
  transaction_type?: TransactionType;

  @ApiPropertyOptional({ enum: ENTRY_STATUSES, description: 'Status of the entry (an outgoing transfer is PENDING until it settles)' })
  @IsOptional()
  @IsIn(ENTRY_STATUSES, { message: `status must be one of ${ENTRY_STATUSES.join(', ')}` })
  status?: EntryStatus;
}
