import { Type } from '@nestjs/common';
import { ApiProperty } from '@nestjs/swagger';
import { HoldEntryDto, PaymentEntryDto, TopUpEntryDto, TransferEntryDto } from '../reports';
import { EVENT_TYPES, WalletEventType } from './domain/wallet-event';

const DATE = { example: '2021-04-01 22:23:20', pattern: '^\\d{4}-\\d{2}-\\d{2} \\d{2}:\\d{2}:\\d{2}$' };

/** The payload of `wallet.frozen` and `wallet.unfrozen`. */
export class WalletStatusDto {
  @ApiProperty({ format: 'uuid', example: '019a4f2d-1111-7a2b-8c3d-4e5f6a7b8c9d', description: 'The owner of the wallet' }) user_id!: string;
  @ApiProperty({ example: true, description: 'The wallet status after this change' }) wallet_frozen!: boolean;
  @ApiProperty({ type: 'integer', example: 1, description: 'Which status change of this wallet it is (1, 2, …): one event per change' }) version!: number;
  @ApiProperty(DATE) updated_date!: string;
}

/** Every event type: its payload and what it means. */
const EVENT_DOCS: Record<WalletEventType, { data: Type<unknown>; name: string; description: string; eventId: string }> = {
  'topup.succeeded': { data: TopUpEntryDto, name: 'TopupSucceededEvent', description: 'A top-up was credited: `data` is its report entry (SUCCESS, CREDIT).', eventId: '019a4f2d-1111-7a2b-8c3d-4e5f6a7b8c9d:000000000001' },
  'payment.succeeded': { data: PaymentEntryDto, name: 'PaymentSucceededEvent', description: 'A payment was debited: `data` is its report entry (SUCCESS, DEBIT).', eventId: '019a4f2d-1111-7a2b-8c3d-4e5f6a7b8c9d:000000000002' },
  'transfer.pending': {
    data: TransferEntryDto,
    name: 'TransferPendingEvent',
    description: "The sender's transfer was accepted and debited: `data` is the sender's DEBIT entry as written (PENDING).",
    eventId: '019a4f2d-1111-7a2b-8c3d-4e5f6a7b8c9d:000000000003',
  },
  'transfer.succeeded': {
    data: TransferEntryDto,
    name: 'TransferSucceededEvent',
    description: "The sender's transfer reached the receiver: `data` is the sender's DEBIT entry, now SUCCESS. `event_id` is `<transfer_id>:SUCCEEDED`.",
    eventId: '019a4f30-5a6b-7c8d-9e0f-1a2b3c4d5e6f:SUCCEEDED',
  },
  'transfer.failed': {
    data: TransferEntryDto,
    name: 'TransferFailedEvent',
    description: "The sender's transfer failed and was refunded: `data` is the refund, a CREDIT with `reversal: true` (the transfer's `failure_reason` is on `GET /transfers/:id`).",
    eventId: '019a4f2d-1111-7a2b-8c3d-4e5f6a7b8c9d:000000000004',
  },
  'transfer.received': { data: TransferEntryDto, name: 'TransferReceivedEvent', description: "Money from another user arrived: `data` is the receiver's CREDIT entry (SUCCESS).", eventId: '019a4f2d-2222-7a2b-8c3d-4e5f6a7b8c9d:000000000001' },
  'hold.created': { data: HoldEntryDto, name: 'HoldCreatedEvent', description: 'A hold took money out of the available balance: `data` is its DEBIT entry as written (PENDING).', eventId: '019a4f2d-1111-7a2b-8c3d-4e5f6a7b8c9d:000000000005' },
  'hold.released': { data: HoldEntryDto, name: 'HoldReleasedEvent', description: 'Held money came back (void, expiry, or the uncaptured rest): `data` is the CREDIT with `reversal: true`.', eventId: '019a4f2d-1111-7a2b-8c3d-4e5f6a7b8c9d:000000000006' },
  'wallet.frozen': { data: WalletStatusDto, name: 'WalletFrozenEvent', description: 'An administrator froze the wallet. `event_id` is `<user_id>:wallet-status:<version>`.', eventId: '019a4f2d-1111-7a2b-8c3d-4e5f6a7b8c9d:wallet-status:1' },
  'wallet.unfrozen': { data: WalletStatusDto, name: 'WalletUnfrozenEvent', description: 'An administrator unfroze the wallet. `event_id` is `<user_id>:wallet-status:<version>`.', eventId: '019a4f2d-1111-7a2b-8c3d-4e5f6a7b8c9d:wallet-status:2' },
};

function eventDto(type: WalletEventType): Type<unknown> {
  const doc = EVENT_DOCS[type];
  class EventDto {
    @ApiProperty({ example: '3.1', pattern: '^\\d{1,15}(\\.\\d{1,15})?$', description: 'Position in this user\'s stream, the SSE `id:`: resume after it with `Last-Event-ID` or `?after=`' }) id!: string;
    @ApiProperty({ example: doc.eventId, description: 'The event itself, globally and for good: the de-duplication key' }) event_id!: string;
    @ApiProperty({ enum: [type], example: type, description: doc.description }) type!: string;
    @ApiProperty({ format: 'uuid', example: '019a4f2d-1111-7a2b-8c3d-4e5f6a7b8c9d' }) user_id!: string;
    @ApiProperty({ ...DATE, description: 'When the change happened (SPEC format, configured time zone)' }) created_date!: string;
    @ApiProperty({ type: doc.data }) data!: unknown;
  }
  Object.defineProperty(EventDto, 'name', { value: doc.name });
  return EventDto;
}

/** One schema per event type (components `TopupSucceededEvent`, …), in `EVENT_TYPES` order. */
export const EVENT_DTOS: ReadonlyArray<{ type: WalletEventType; dto: Type<unknown> }> = EVENT_TYPES.map((type) => ({ type, dto: eventDto(type) }));
