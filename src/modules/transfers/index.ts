// Public surface of the transfers module: what other modules may import.
export { TransfersModule } from './transfers.module';
export { QueueDashboardModule } from './dashboard/queue-dashboard.module';
export { CreateTransferCommand } from './commands/create-transfer/create-transfer.command';
export { ExecuteTransferCommand } from './commands/execute-transfer/execute-transfer.command';
export { RecoverPendingTransfersCommand } from './commands/recover-pending-transfers/recover-pending-transfers.command';
export { GetTransferQuery } from './queries/get-transfer/get-transfer.query';
// The Bull queue's name.
export { TRANSFER_QUEUE } from './queue/transfer-queue';
// The transfers' collections by name, for the reconciliation (read only).
export { TRANSFER_OUTCOMES_COLLECTION, TRANSFERS_COLLECTION } from './persistence/transfer.schemas';
