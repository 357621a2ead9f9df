import { Body, Controller, Delete, Get, HttpCode, Param, Post, Query } from '@nestjs/common';
import { CommandBus, QueryBus } from '@nestjs/cqrs';
import { ApiBearerAuth, ApiOperation, ApiParam, ApiTags } from '@nestjs/swagger';
import { AuthUser, CurrentUser, Roles } from '../../common/decorators/auth.decorators';
import { ValidationFailedError } from '../../common/errors';
import { ApiErrorExamples, COMMON_ERROR_EXAMPLES, ErrorExample } from '../../common/http/api-error-examples';
import { ApiEnvelope } from '../../common/http/api-responses';
import { success } from '../../common/http/envelope';
import { badIdExample, parseIdPipe } from '../../common/http/uuid-params';
import { EVENT_TYPES } from '../events';
import { DeleteWebhookCommand } from './commands/delete-webhook/delete-webhook.command';
import { RedeliverWebhookCommand } from './commands/redeliver-webhook/redeliver-webhook.command';
import { RegisterWebhookCommand } from './commands/register-webhook/register-webhook.command';
import { RegisterWebhookRequestDto } from './commands/register-webhook/register-webhook.request.dto';
import { ListWebhookDeliveriesQuery } from './queries/list-webhook-deliveries/list-webhook-deliveries.query';
import { ListWebhookDeliveriesRequestDto } from './queries/list-webhook-deliveries/list-webhook-deliveries.request.dto';
import { ListWebhooksQuery } from './queries/list-webhooks/list-webhooks.query';
import { CreatedWebhookDto, DeletedWebhookDto, RedeliveryDto, WebhookAttemptDto, WebhookDto } from './webhooks.views';

const { unauthenticated, forbidden, unavailable, malformedJson } = COMMON_ERROR_EXAMPLES;
const adminOnly: ErrorExample = { ...forbidden, summary: 'Only administrators manage webhooks' };
const badWebhookId = badIdExample('webhook_id');
const webhookNotFound: ErrorExample = { summary: 'No endpoint has this id', value: { message: 'Webhook endpoint not found', code: 'WEBHOOK_NOT_FOUND' } };
const deliveryNotFound: ErrorExample = { summary: 'No delivery of this endpoint has this id', value: { message: 'Webhook delivery not found', code: 'WEBHOOK_DELIVERY_NOT_FOUND' } };
const badUrl: ErrorExample = {
  summary: 'url is not an absolute http(s) URL',
  value: { message: 'Validation failed: url must use http or https', code: 'VALIDATION_FAILED', errors: { url: ['url must use http or https'] } },
};
const refusedUrl: ErrorExample = {
  summary: 'The host is, or resolves to, a private, loopback or link-local address (refused in production: SSRF)',
  value: {
    message: 'Validation failed: url must not point at a private, loopback or link-local address (169.254.169.254 is 169.254.169.254)',
    code: 'WEBHOOK_URL_REFUSED',
    errors: { url: ['url must not point at a private, loopback or link-local address (169.254.169.254 is 169.254.169.254)'] },
  },
};
const badEventType: ErrorExample = {
  summary: 'An unknown event type',
  value: {
    message: `Validation failed: each of event_types must be one of ${[...EVENT_TYPES, '*'].join(', ')}`,
    code: 'VALIDATION_FAILED',
    errors: { event_types: [`each of event_types must be one of ${[...EVENT_TYPES, '*'].join(', ')}`] },
  },
};

const DELIVERY_ID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}:[A-Za-z0-9:._-]{1,200}$/i;
const webhookIdPipe = () => parseIdPipe('webhook_id');
const webhookIdParam = () => ApiParam({ name: 'id', format: 'uuid', example: '019a4f40-2b3c-7d4e-8f50-6a7b8c9d0e1f', description: 'webhook_id answered by POST /webhooks' });
const deliveryIdPipe = {
  transform(value: string): string {
    if (!DELIVERY_ID.test(value)) throw new ValidationFailedError('Validation failed: deliveryId must be a delivery_id', { deliveryId: ['deliveryId must be a delivery_id from the delivery log'] });
    return value;
  },
};

const SIGNING =
  'Each delivery is a `POST` of one event as JSON (the `GET /events` payload: id, event_id, type, user_id, created_date, data) with `Dompet-Signature: t=<unix seconds>,v1=<hex HMAC-SHA256 of "<t>.<raw body>" with the secret>` ' +
  '(Stripe’s scheme) and `Dompet-Event-Id` (the de-duplication key: delivery is at least once). A non-2xx answer (or none within the timeout) is retried with exponential backoff for a day, then the delivery is FAILED. See docs/webhooks.md.';

/** `/webhooks`: administrators register signed event deliveries to their systems and follow them. */
@ApiTags('webhooks')
@ApiBearerAuth('bearer')
@Roles('ADMIN')
@Controller('webhooks')
export class WebhooksHttpController {
  constructor(
    private readonly commands: CommandBus,
    private readonly queries: QueryBus,
  ) {}

  @Post()
  @HttpCode(201)
  @ApiOperation({
    operationId: 'registerWebhook',
    summary: 'Register a webhook endpoint (administrators); the signing secret is in this answer only',
    description:
      SIGNING +
      ' The endpoint receives the events that happen from its registration on (no older ones). In production the URL’s host must not be, or resolve to, a private, loopback, link-local, unique-local or unspecified address (checked again at every delivery).',
  })
  @ApiEnvelope(CreatedWebhookDto, { status: 201, description: 'Registered; `secret` is shown this once' })
  @ApiErrorExamples({ 400: [badUrl, refusedUrl, badEventType, malformedJson], 401: [unauthenticated], 403: [adminOnly], 503: [unavailable] })
  async register(@CurrentUser() admin: AuthUser, @Body() body: RegisterWebhookRequestDto) {
    return success(await this.commands.execute(new RegisterWebhookCommand(admin.userId, body.url, body.event_types, body.description ?? '')));
  }

  @Get()
  @ApiOperation({ operationId: 'listWebhooks', summary: 'The registered webhook endpoints (administrators), oldest first, without their secrets' })
  @ApiEnvelope(WebhookDto, { isArray: true, description: 'Every endpoint' })
  @ApiErrorExamples({ 401: [unauthenticated], 403: [adminOnly], 503: [unavailable] })
  async list() {
    return success(await this.queries.execute(new ListWebhooksQuery()));
  }

  @Delete(':id')
  @ApiOperation({ operationId: 'deleteWebhook', summary: 'Delete a webhook endpoint (administrators): nothing more is sent to it' })
  @webhookIdParam()
  @ApiEnvelope(DeletedWebhookDto, { description: 'Deleted; queued attempts end as CANCELLED' })
  @ApiErrorExamples({ 400: [badWebhookId], 401: [unauthenticated], 403: [adminOnly], 404: [webhookNotFound], 503: [unavailable] })
  async delete(@Param('id', webhookIdPipe()) id: string) {
    return success(await this.commands.execute(new DeleteWebhookCommand(id)));
  }

  @Get(':id/deliveries')
  @ApiOperation({
    operationId: 'listWebhookDeliveries',
    summary: 'The delivery log of an endpoint (administrators): every attempt, newest first',
    description: 'One row per HTTP attempt: event id and type, attempt number, the receiver’s status code, latency and outcome. Paginated with `limit` (default 20, max 100) and `cursor`; `event_id` narrows it to one event.',
  })
  @webhookIdParam()
  @ApiEnvelope(WebhookAttemptDto, { isArray: true, paginated: true, description: 'A page of attempts, newest first' })
  @ApiErrorExamples({
    400: [badWebhookId, { summary: 'Bad limit or cursor', value: { message: 'Validation failed: limit must not be greater than 100', code: 'VALIDATION_FAILED', errors: { limit: ['limit must not be greater than 100'] } } }],
    401: [unauthenticated],
    403: [adminOnly],
    404: [webhookNotFound],
    503: [unavailable],
  })
  async deliveries(@Param('id', webhookIdPipe()) id: string, @Query() query: ListWebhookDeliveriesRequestDto) {
    const page = await this.queries.execute(new ListWebhookDeliveriesQuery(id, query.limit ?? 20, query.cursor, query.event_id));
    return success(page.items, page.pagination);
  }

  @Post(':id/deliveries/:deliveryId/redeliver')
  @HttpCode(202)
  @ApiOperation({
    operationId: 'redeliverWebhook',
    summary: 'Send a delivery again (administrators): same body and event id, a fresh signature',
    description: 'Queues one more attempt, whatever the delivery’s state (a FAILED delivery that succeeds now becomes DELIVERED). The attempt appears in the delivery log with `manual: true`.',
  })
  @webhookIdParam()
  @ApiParam({ name: 'deliveryId', example: '019a4f40-2b3c-7d4e-8f50-6a7b8c9d0e1f:019a4f2e-1111-7a2b-8c3d-4e5f6a7b8c9d:000000000007', description: '`delivery_id` from the delivery log' })
  @ApiEnvelope(RedeliveryDto, { status: 202, description: 'The attempt is queued' })
  @ApiErrorExamples({
    400: [badWebhookId, { summary: 'deliveryId is not a delivery id', value: { message: 'Validation failed: deliveryId must be a delivery_id', code: 'VALIDATION_FAILED', errors: { deliveryId: ['deliveryId must be a delivery_id from the delivery log'] } } }],
    401: [unauthenticated],
    403: [adminOnly],
    404: [webhookNotFound, deliveryNotFound],
    503: [unavailable],
  })
  async redeliver(@Param('id', webhookIdPipe()) id: string, @Param('deliveryId', deliveryIdPipe) deliveryId: string) {
    return success(await this.commands.execute(new RedeliverWebhookCommand(id, deliveryId)));
  }
}
