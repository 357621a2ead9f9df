import { ApiProperty } from '@nestjs/swagger';
import { formatDateTime } from '../../common/util/time';
import { EVENT_TYPES } from '../events';
import type { AttemptOutcome, WebhookAttemptDocument, WebhookEndpointDocument } from './persistence/webhook.schemas';

/** What an endpoint may subscribe to: every event type, or `*` (all, including types added later). */
export const ALL_EVENTS = '*';
export const SUBSCRIBABLE_TYPES: string[] = [...EVENT_TYPES, ALL_EVENTS];
export const ATTEMPT_OUTCOMES: AttemptOutcome[] = ['DELIVERED', 'RETRYING', 'FAILED', 'CANCELLED'];

export function subscribes(endpoint: Pick<WebhookEndpointDocument, 'event_types'>, type: string): boolean {
  return endpoint.event_types.includes(ALL_EVENTS) || endpoint.event_types.includes(type);
}

const DATE = { example: '2021-04-01 22:23:20', pattern: '^\\d{4}-\\d{2}-\\d{2} \\d{2}:\\d{2}:\\d{2}$' };
const WEBHOOK_ID = { format: 'uuid', example: '019a4f40-2b3c-7d4e-8f50-6a7b8c9d0e1f' };
const EVENT_ID = { example: '019a4f2e-1111-7a2b-8c3d-4e5f6a7b8c9d:000000000007', description: 'The event’s globally unique id (also the `Dompet-Event-Id` header): the de-duplication key' };
const DELIVERY_ID = {
  example: '019a4f40-2b3c-7d4e-8f50-6a7b8c9d0e1f:019a4f2e-1111-7a2b-8c3d-4e5f6a7b8c9d:000000000007',
  description: '`<webhook_id>:<event_id>`: one delivery per event and endpoint',
};

export class WebhookDto {
  @ApiProperty(WEBHOOK_ID) webhook_id!: string;
  @ApiProperty({ example: 'https://hooks.example.com/dompet' }) url!: string;
  @ApiProperty({ type: [String], enum: SUBSCRIBABLE_TYPES, example: ['transfer.received', 'topup.succeeded'] }) event_types!: string[];
  @ApiProperty({ example: 'Accounting sync' }) description!: string;
  @ApiProperty(DATE) created_date!: string;
}

export class CreatedWebhookDto extends WebhookDto {
  @ApiProperty({
    example: 'whsec_2bV7yQm0m9hX3kq8Rz1Ap0mQx3m1Yc6q1t3jQ2vK8d0',
    description: 'The signing secret of `Dompet-Signature`. Shown in this answer only: store it now.',
  })
  secret!: string;
}

export class DeletedWebhookDto {
  @ApiProperty(WEBHOOK_ID) webhook_id!: string;
  @ApiProperty({ type: Boolean, example: true }) deleted!: boolean;
}

export class WebhookAttemptDto {
  @ApiProperty({ format: 'uuid', example: '019a4f41-7c8d-7e9f-8a0b-1c2d3e4f5a6b', description: 'This attempt (the log is newest first by it)' }) attempt_id!: string;
  @ApiProperty(DELIVERY_ID) delivery_id!: string;
  @ApiProperty(EVENT_ID) event_id!: string;
  @ApiProperty({ enum: EVENT_TYPES, example: 'transfer.received' }) event_type!: string;
  @ApiProperty({ type: 'integer', example: 2, description: '1 for the first attempt, 2 for the first retry, …; a manual redelivery counts on' }) attempt!: number;
  @ApiProperty({ type: Boolean, example: false, description: 'True for a redelivery asked for through the API' }) manual!: boolean;
  @ApiProperty({ type: 'integer', nullable: true, example: 500, description: 'The receiver’s HTTP status; null when there was no answer (refused, unreachable, timeout)' })
  status_code!: number | null;
  @ApiProperty({ type: 'integer', example: 37 }) latency_ms!: number;
  @ApiProperty({ enum: ATTEMPT_OUTCOMES, example: 'RETRYING', description: 'DELIVERED (2xx), RETRYING (a retry is scheduled), FAILED (no more retries, or a failed redelivery), CANCELLED (the endpoint was deleted)' })
  outcome!: AttemptOutcome;
  @ApiProperty({ type: String, nullable: true, example: null, description: 'Why there was no answer (e.g. `timeout after 10000 ms`), else null' }) error!: string | null;
  @ApiProperty(DATE) created_date!: string;
}

export class RedeliveryDto {
  @ApiProperty(DELIVERY_ID) delivery_id!: string;
  @ApiProperty(EVENT_ID) event_id!: string;
  @ApiProperty({ enum: EVENT_TYPES, example: 'transfer.received' }) event_type!: string;
  @ApiProperty({ enum: ['QUEUED'], example: 'QUEUED' }) status!: 'QUEUED';
}

export type WebhookView = WebhookDto;
export type CreatedWebhookView = CreatedWebhookDto;
export type WebhookAttemptView = WebhookAttemptDto;

export function webhookView(e: WebhookEndpointDocument, timeZone: string): WebhookView {
  return { webhook_id: e._id, url: e.url, event_types: e.event_types, description: e.description ?? '', created_date: formatDateTime(e.created_at, timeZone) };
}

export function attemptView(a: WebhookAttemptDocument, timeZone: string): WebhookAttemptView {
  return {
    attempt_id: a._id,
    delivery_id: a.delivery_id,
    event_id: a.event_id,
    event_type: a.event_type,
    attempt: a.attempt,
    manual: a.manual,
    status_code: a.status_code,
    latency_ms: a.latency_ms,
    outcome: a.outcome,
    error: a.error,
    created_date: formatDateTime(a.created_at, timeZone),
  };
}
