import { Query } from '@nestjs/cqrs';

export interface TransferView {
  transfer_id: string;
  sender_user_id: string;
  receiver_user_id: string;
  amount: number;
  remarks: string;
  status: 'PENDING' | 'SUCCESS' | 'FAILED';
  failure_reason: string | null;
  created_date: string;
  updated_date: string;
}

export class GetTransferQuery extends Query<TransferView> {
  constructor(
    readonly viewerId: string,
    readonly transferId: string,
  ) {
    super();
  }
}
