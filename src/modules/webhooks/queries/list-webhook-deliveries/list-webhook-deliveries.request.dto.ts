import { ApiPropertyOptional } from '@nestjs/swagger';
import { Type } from 'class-transformer';
import { IsInt, IsOptional, IsString, IsUUID, Matches, Max, MaxLength, Min } from 'class-validator';

const EVENT_ID_PATTERN = /^[A-Za-z0-9:._-]+$/;

export class ListWebhookDeliveriesRequestDto {
  @ApiPropertyOptional({ type: 'integer', minimum: 1, maximum: 100, description: 'Attempts per page (default 20)' })
  @IsOptional()
  @Type(() => Number)
  @IsInt({ message: 'limit must be an integer' })
  @Min(1, { message: 'limit must be at least 1' })
  @Max(100, { message: 'limit must not be greater than 100' })
  limit?: number;

  @ApiPropertyOptional({ format: 'uuid', description: '`pagination.next_cursor` of the previous page (the last attempt_id it showed)' })
  @IsOptional()
  @IsUUID('all', { message: 'cursor must be the next_cursor of a previous page' })
  cursor?: string;

  @ApiPropertyOptional({ maxLength: 200, pattern: EVENT_ID_PATTERN.source, description: 'Only the attempts of this event (an `event_id`, e.g. `019a4f2e-1111-7a2b-8c3d-4e5f6a7b8c9d:000000000007`)' })
  @IsOptional()
  @IsString({ message: 'event_id must be a string' })
  @MaxLength(200, { message: 'event_id must be at most 200 characters' })
  @Matches(EVENT_ID_PATTERN, { message: 'event_id must be an event id' })
  event_id?: string;
}
