import { ApiPropertyOptional } from '@nestjs/swagger';
import { Transform } from 'class-transformer';
import { IsInt, IsOptional, Max, Min } from 'class-validator';
import { CursorField } from '../../../../common/http/cursor-field';
import { ReportFiltersRequestDto } from '../../http/report-filters.request.dto';

export const DEFAULT_PAGE_SIZE = 100;
export const MAX_PAGE_SIZE = 1000;

/** Query string of `GET /transactions` (and of an admin's `GET /users/{id}/transactions`). */
export class ListTransactionsRequestDto extends ReportFiltersRequestDto {
  @ApiPropertyOptional({ type: 'integer', minimum: 1, maximum: MAX_PAGE_SIZE, default: DEFAULT_PAGE_SIZE, description: 'Entries per page' })
  @IsOptional()
  @Transform(({ value }) => (typeof value === 'string' && /^\d{1,9}$/.test(value) ? Number(value) : value))
  @IsInt({ message: 'limit must be an integer' })
  @Min(1, { message: 'limit must be at least 1' })
  @Max(MAX_PAGE_SIZE, { message: `limit must be at most ${MAX_PAGE_SIZE}` })
  limit?: number;

  // A cursor is signed and bound to its user and filters, so the next-page example is only a shape.
  @CursorField({
    maxLength: 300,
    nextPageExample: 'eyJ2IjoxLCJiIjoxMDEsImwiOjF9.sJ9Gm8Ue1mR5cN3P0a6e1Q',
    description: '`pagination.next_cursor` of the previous page, with the same filters. Opaque and tamper-evident.',
  })
  cursor?: string;
}
