import { Inject } from '@nestjs/common';
import { IQueryHandler, QueryHandler } from '@nestjs/cqrs';
import { AppConfig } from '../../../../config/app-config';
import { formatDateTime } from '../../../../common/util/time';
import { TransferNotFoundError } from '../../domain/transfer.errors';
import { transferSucceededKey } from '../../../status-events';
import { statusOnEvent, transferStatusOf } from '../../domain/transfer-status';
import { TransfersRepository } from '../../persistence/transfers.repository';
import { TRANSFER_STATUS_EVENTS, TransferStatusEvents } from '../../ports/transfer.ports';
import { GetTransferQuery, TransferView } from './get-transfer.query';

/** A transfer as its sender or receiver sees it; anyone else gets 404 (its existence is not revealed). */
@QueryHandler(GetTransferQuery)
export class GetTransferHandler implements IQueryHandler<GetTransferQuery, TransferView> {
  constructor(
    private readonly transfers: TransfersRepository,
    @Inject(TRANSFER_STATUS_EVENTS) private readonly statusEvents: TransferStatusEvents,
    private readonly config: AppConfig,
  ) {}

  async execute(q: GetTransferQuery): Promise<TransferView> {
    const t = await this.transfers.findById(q.transferId);
    if (!t || (t.sender_id !== q.viewerId && t.receiver_id !== q.viewerId)) throw new TransferNotFoundError();
    // A record that still says PENDING may have succeeded: the sender's success event tells.
    const succeeded = statusOnEvent(t) ? await this.statusEvents.findByKey(transferSucceededKey(t._id)) : null;
    const status = transferStatusOf(t, succeeded !== null);
    // A pending transfer whose refund is held shows why the receiver was not credited.
    const held = status === 'PENDING' ? await this.transfers.holdReason(t) : null;
    const updatedAt = status !== t.status ? (succeeded?.created_at ?? t.updated_at) : t.updated_at;
    return {
      transfer_id: t._id,
      sender_user_id: t.sender_id,
      receiver_user_id: t.receiver_id,
      amount: t.amount,
      remarks: t.remarks,
      status,
      failure_reason: held ?? t.failure_reason,
      created_date: formatDateTime(t.created_at, this.config.timeZone),
      updated_date: formatDateTime(updatedAt, this.config.timeZone),
    };
  }
}
