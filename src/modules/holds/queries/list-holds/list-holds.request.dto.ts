import { ApiPropertyOptional } from '@nestjs/swagger';
import { Type } from 'class-transformer';
import { IsIn, IsInt, IsOptional, IsUUID, Max, Min } from 'class-validator';
import { HOLD_STATUSES, HoldStatus } from '../../domain/hold';

export class ListHoldsRequestDto {
  @ApiPropertyOptional({ enum: HOLD_STATUSES, description: 'Only holds in this state' })
  @IsOptional()
  @IsIn(HOLD_STATUSES, { message: `status must be one of ${HOLD_STATUSES.join(', ')}` })
  status?: HoldStatus;

  @ApiPropertyOptional({ type: 'integer', minimum: 1, maximum: 100, description: 'Holds per page (default 20)' })
  @IsOptional()
  @Type(() => Number)
  @IsInt({ message: 'limit must be an integer' })
  @Min(1, { message: 'limit must be at least 1' })
  @Max(100, { message: 'limit must not be greater than 100' })
  limit?: number;

  @ApiPropertyOptional({ format: 'uuid', description: '`pagination.next_cursor` of the previous page (the last hold_id it showed)' })
  @IsOptional()
  @IsUUID('all', { message: 'cursor must be the next_cursor of a previous page' })
  cursor?: string;
}
