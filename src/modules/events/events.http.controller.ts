import { Controller, Get, HttpCode, Post, Req, Res } from '@nestjs/common';
import { CommandBus } from '@nestjs/cqrs';
import { ApiBearerAuth, ApiExtraModels, ApiHeader, ApiOperation, ApiProperty, ApiQuery, ApiResponse, ApiTags, getSchemaPath } from '@nestjs/swagger';
import type { Request, Response } from 'express';
import { Public } from '../../common/decorators/auth.decorators';
import { UnauthenticatedError, ValidationFailedError } from '../../common/errors';
import { ApiErrorExamples, COMMON_ERROR_EXAMPLES } from '../../common/http/api-error-examples';
import { ApiEnvelope } from '../../common/http/api-responses';
import { success } from '../../common/http/envelope';
import { SessionValidator, TokenService } from '../auth';
import { IssueStreamTicketCommand } from './commands/issue-stream-ticket/issue-stream-ticket.command';
import { CURSOR_PATTERN, parseCursor } from './domain/event-cursor';
import { EVENT_DTOS, WalletStatusDto } from './events.views';
import { EventStreams } from './services/event-streams';
import { expiryOf, StreamCredential } from './services/stream-credential';
import { StreamTickets } from './services/stream-tickets';

const BEARER = /^Bearer ([A-Za-z0-9._~+/-]+=*)$/i;

class StreamTicketDto {
  @ApiProperty({ description: 'Single-use; pass it as `GET /events?ticket=…` within `expires_in_seconds`', example: 'p0mQx3m1Yc6q1t3jQ2vK8d0b9wqF4o7sJvX2kq8Rz1A' }) ticket!: string;
  @ApiProperty({ type: 'integer', example: 30 }) expires_in_seconds!: number;
}

const TOO_MANY_STREAMS = { summary: 'Too many open event streams', value: { message: 'Too many open event streams for this user', code: 'TOO_MANY_STREAMS' } };
const BAD_CURSOR = { summary: 'Last-Event-ID or after is not a non-negative integer', value: { message: 'Last-Event-ID / after must be a non-negative integer', code: 'VALIDATION_FAILED' } };

const EXAMPLE_STREAM =
  'retry: 2000\n\n' +
  'id: 7\nevent: transfer.received\ndata: {"id":"7","event_id":"019a…:000000000007","type":"transfer.received","user_id":"019a4f2e-…","created_date":"2021-04-01 22:23:20","data":{"transfer_id":"019a4f30-…","status":"SUCCESS","user_id":"019a4f2e-…","transaction_type":"CREDIT","amount":30000,"remarks":"Hadiah Ultah","balance_before":0,"balance_after":30000,"created_date":"2021-04-01 22:23:20","counterparty_user_id":"019a4f31-…"}}\n\n' +
  'id: 7.1\nevent: wallet.frozen\ndata: {"id":"7.1","event_id":"019a4f2e-…:wallet-status:1","type":"wallet.frozen","user_id":"019a4f2e-…","created_date":"2021-04-01 22:25:02","data":{"user_id":"019a4f2e-…","wallet_frozen":true,"version":1,"updated_date":"2021-04-01 22:25:02"}}\n\n' +
  ': heartbeat\n\n';

/** The JSON of an SSE message's `data:`: one schema per event type, told apart by `type`. */
const EVENT_DATA_SCHEMA = {
  oneOf: EVENT_DTOS.map(({ dto }) => ({ $ref: getSchemaPath(dto) })),
  discriminator: { propertyName: 'type', mapping: Object.fromEntries(EVENT_DTOS.map(({ type, dto }) => [type, getSchemaPath(dto)])) },
};

@ApiTags('events')
@Controller('events')
export class EventsHttpController {
  constructor(
    private readonly commands: CommandBus,
    private readonly streams: EventStreams,
    private readonly tickets: StreamTickets,
    private readonly tokens: TokenService,
    private readonly validator: SessionValidator,
  ) {}

  @Post('ticket')
  @HttpCode(201)
  @ApiBearerAuth('bearer')
  @ApiOperation({
    operationId: 'issueEventStreamTicket',
    summary: 'A single-use, 30-second ticket to open GET /events from a browser EventSource',
    description: "The browser's `EventSource` cannot send an `Authorization` header, and an access token never goes in a URL: get a ticket with the Bearer token, then open `GET /events?ticket=…`. The ticket works once, within 30 s; the stream it opens ends when this access token expires or its session is revoked.",
  })
  @ApiEnvelope(StreamTicketDto, { status: 201, description: 'A fresh ticket' })
  @ApiErrorExamples({ 401: [COMMON_ERROR_EXAMPLES.unauthenticated], 503: [COMMON_ERROR_EXAMPLES.unavailable] })
  async ticket(@Req() req: Request) {
    const token = BEARER.exec(req.headers.authorization ?? '')![1];
    const claims = (await this.tokens.verifyAccessToken(token))!;
    return success(await this.commands.execute(new IssueStreamTicketCommand({ claims, exp: expiryOf(token) })));
  }

  @Get()
  @Public()
  @ApiOperation({
    operationId: 'streamEvents',
    summary: 'Live wallet events (Server-Sent Events)',
    description:
      "A `text/event-stream` of the caller's wallet events, oldest first. Each message has `id:` (the position in the stream), `event:` (the type) and `data:` (a JSON event: `id`, `event_id`, `type`, `user_id`, `created_date`, `data`). " +
      'Types and payloads (one schema each, under `x-event-data` of the 200 answer and in the components): ' +
      EVENT_DTOS.map(({ type, dto }) => `\`${type}\` (${dto.name})`).join(', ') +
      '. Ledger events carry the entry as `GET /transactions` shows it, with the status it was written with; `transfer.succeeded` carries the sender\'s debit entry, settled; `wallet.frozen` / `wallet.unfrozen` the new wallet status. ' +
      '`id` is `<seq>` (the last wallet entry sent) or `<seq>.<n>` (and the last status event sent): resume with the `Last-Event-ID` header (sent by `EventSource` on reconnect) or `?after=`, and the stream starts with the first event after it, nothing missed, nothing repeated (`after=0`, the default, replays the whole history); de-duplicate by `event_id`. ' +
      'A `: heartbeat` comment comes every 15 s. The stream ends when the access token expires or the session is revoked: reconnect with a fresh token (or ticket) and `Last-Event-ID`. ' +
      'Authentication is checked by the route itself (it is therefore documented without the Bearer scheme, though it needs a credential): send `Authorization: Bearer <access token>` (fetch-based clients) or, from a browser `EventSource`, `?ticket=` from `POST /events/ticket`; never an access token in the URL.',
  })
  @ApiQuery({ name: 'after', required: false, description: 'Start after this cursor (an event `id`); `Last-Event-ID` wins when both are given', schema: { type: 'string', pattern: CURSOR_PATTERN } })
  @ApiQuery({ name: 'ticket', required: false, description: 'A single-use ticket from `POST /events/ticket`, instead of the Authorization header', schema: { type: 'string' } })
  @ApiHeader({ name: 'Last-Event-ID', required: false, description: 'The `id` of the last event received; the stream resumes after it', schema: { type: 'string', pattern: CURSOR_PATTERN } })
  @ApiExtraModels(WalletStatusDto, ...EVENT_DTOS.map(({ dto }) => dto))
  @ApiResponse({
    status: 200,
    description: 'The event stream (`Content-Type: text/event-stream`), open until the token expires or the session is revoked. `x-event-data`: the schema of the JSON in each `data:` line, one per event type.',
    content: { 'text/event-stream': { schema: { type: 'string', example: EXAMPLE_STREAM }, 'x-event-data': EVENT_DATA_SCHEMA } as never },
  })
  @ApiErrorExamples({
    400: [BAD_CURSOR],
    401: [COMMON_ERROR_EXAMPLES.unauthenticated],
    429: [TOO_MANY_STREAMS],
    503: [COMMON_ERROR_EXAMPLES.unavailable],
  })
  async stream(@Req() req: Request, @Res() res: Response) {
    const credential = await this.authenticate(req);
    const raw = req.get('Last-Event-ID') ?? (typeof req.query.after === 'string' ? req.query.after : undefined) ?? '0';
    const after = parseCursor(raw);
    if (!after) throw new ValidationFailedError('Last-Event-ID / after must be an event id: <seq> or <seq>.<n>');
    await this.streams.serve(req, res, credential, after);
  }

  /** Bearer first; else a single-use ticket; the session must be open either way. */
  private async authenticate(req: Request): Promise<StreamCredential> {
    const match = BEARER.exec(req.headers.authorization ?? '');
    let credential: StreamCredential | null = null;
    if (match) {
      const claims = await this.tokens.verifyAccessToken(match[1]);
      if (claims) credential = { claims, exp: expiryOf(match[1]) };
    } else if (typeof req.query.ticket === 'string') {
      credential = await this.tickets.claim(req.query.ticket);
    }
    if (!credential || credential.exp * 1000 <= Date.now()) throw new UnauthenticatedError();
    await this.validator.validate(credential.claims);
    return credential;
  }
}
