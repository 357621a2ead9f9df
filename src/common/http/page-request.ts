import { ApiPropertyOptional } from '@nestjs/swagger';
import { Type } from 'class-transformer';
import { IsInt, IsOptional, IsUUID, Max, Min } from 'class-validator';

/**
 * `limit` and `cursor` of a list paged by a time-ordered id (UUID v7, newest first): the cursor is the
 * last id the previous page showed. Lists extend it with their filters.
 */
export class UuidPageRequestDto {
  @ApiPropertyOptional({ type: 'integer', minimum: 1, maximum: 100, description: 'Items per page (default 20)' })
  @IsOptional()
  @Type(() => Number)
  @IsInt({ message: 'limit must be an integer' })
  @Min(1, { message: 'limit must be at least 1' })
  @Max(100, { message: 'limit must not be greater than 100' })
  limit?: number;

  @ApiPropertyOptional({ format: 'uuid', description: '`pagination.next_cursor` of the previous page (the last id it showed)' })
  @IsOptional()
  @IsUUID('all', { message: 'cursor must be the next_cursor of a previous page' })
  cursor?: string;
}
