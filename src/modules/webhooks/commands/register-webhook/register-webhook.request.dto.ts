import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { ArrayMaxSize, ArrayNotEmpty, ArrayUnique, IsArray, IsIn, IsOptional, IsString, MaxLength } from 'class-validator';
import { SUBSCRIBABLE_TYPES } from '../../webhooks.views';
import { MAX_URL_LENGTH } from '../../domain/webhook-url';

export class RegisterWebhookRequestDto {
  @ApiProperty({
    example: 'https://hooks.example.com/dompet',
    maxLength: MAX_URL_LENGTH,
    description: 'http(s) URL the events are POSTed to. In production a host that is or resolves to a private, loopback or link-local address is refused (400 WEBHOOK_URL_REFUSED).',
  })
  @IsString({ message: 'url must be a string' })
  @MaxLength(MAX_URL_LENGTH, { message: `url must be at most ${MAX_URL_LENGTH} characters` })
  url!: string;

  @ApiProperty({
    type: [String],
    enum: SUBSCRIBABLE_TYPES,
    example: ['transfer.received', 'topup.succeeded'],
    minItems: 1,
    maxItems: SUBSCRIBABLE_TYPES.length,
    uniqueItems: true,
    description: 'The event types to receive; `*` for every type, including types added later',
  })
  @IsArray({ message: 'event_types must be an array of event types' })
  @ArrayNotEmpty({ message: 'event_types must not be empty' })
  @ArrayMaxSize(SUBSCRIBABLE_TYPES.length, { message: `event_types must have at most ${SUBSCRIBABLE_TYPES.length} items` })
  @ArrayUnique({ message: 'event_types must not repeat a type' })
  @IsIn(SUBSCRIBABLE_TYPES, { each: true, message: `each of event_types must be one of ${SUBSCRIBABLE_TYPES.join(', ')}` })
  event_types!: string[];

  @ApiPropertyOptional({ example: 'Accounting sync', maxLength: 200 })
  @IsOptional()
  @IsString({ message: 'description must be a string' })
  @MaxLength(200, { message: 'description must be at most 200 characters' })
  description?: string;
}
