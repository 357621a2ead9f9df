export class TransferCompletedEvent {
  constructor(
    readonly transferId: string,
    readonly amount: number,
  ) {}
}

export class TransferFailedEvent {
  constructor(
    readonly transferId: string,
    readonly amount: number,
    readonly reason: string,
    /** True when the sender's debit had happened and was refunded. */
    readonly refunded: boolean,
  ) {}
}
