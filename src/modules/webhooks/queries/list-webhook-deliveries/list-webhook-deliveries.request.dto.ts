import { ApiPropertyOptional } from '@nestjs/swagger';
import { IsOptional, IsString, Matches, MaxLength } from 'class-validator';
import { UuidPageRequestDto } from '../../../../common/http/page-request';

const EVENT_ID_PATTERN = /^[A-Za-z0-9:._-]+$/;

export class ListWebhookDeliveriesRequestDto extends UuidPageRequestDto {
  @ApiPropertyOptional({ maxLength: 200, pattern: EVENT_ID_PATTERN.source, description: 'Only the attempts of this event (an `event_id`, e.g. `019a4f2e-1111-7a2b-8c3d-4e5f6a7b8c9d:000000000007`)' })
  @IsOptional()
  @IsString({ message: 'event_id must be a string' })
  @MaxLength(200, { message: 'event_id must be at most 200 characters' })
  @Matches(EVENT_ID_PATTERN, { message: 'event_id must be an event id' })
  event_id?: string;
}
