import { BullModule } from '@nestjs/bull';
import { DynamicModule, Module, Provider, Type } from '@nestjs/common';
import { CqrsModule, EventBus } from '@nestjs/cqrs';
import { MongooseModule } from '@nestjs/mongoose';
import { makeCounterProvider } from '@willsoto/nestjs-prometheus';
import { PeriodicJobsModule } from '../../infrastructure/periodic-jobs';
import { IdempotencyModule, IdempotencyService } from '../idempotency';
import { StatusEventLog, StatusEventsModule } from '../status-events';
import { UsersModule, UserStates } from '../users';
import { LedgerService, WalletModule } from '../wallet';
import { CreateTransferHandler } from './commands/create-transfer/create-transfer.handler';
import { ExecuteTransferHandler } from './commands/execute-transfer/execute-transfer.handler';
import { RecoverPendingTransfersHandler } from './commands/recover-pending-transfers/recover-pending-transfers.handler';
import { TRANSFERS_SETTLED_METRIC, TransferMetricsHandler } from './events/transfer-metrics.handler';
import {
  PendingTransferDocument,
  PendingTransferSchema,
  TransferDocument,
  TransferOutcomeDocument,
  TransferOutcomeSchema,
  TransferSchema,
} from './persistence/transfer.schemas';
import { TransfersRepository } from './persistence/transfers.repository';
import {
  TRANSFER_CLOCK,
  TRANSFER_EVENTS,
  TRANSFER_IDEMPOTENCY,
  TRANSFER_JOBS,
  TRANSFER_LEDGER,
  TRANSFER_STATUS_EVENTS,
  TRANSFER_STORE,
  TRANSFER_USERS,
  TransferEvents,
  TransferIdempotency,
  TransferJobs,
  TransferLedger,
  TransferStatusEvents,
  TransferStore,
  TransferUsers,
  systemClock,
} from './ports/transfer.ports';
import { GetTransferHandler } from './queries/get-transfer/get-transfer.handler';
import { TRANSFER_QUEUE, TransferQueue } from './queue/transfer-queue';
import { TransferProcessor } from './queue/transfer.processor';
import { TransferSweeper } from './queue/transfer-sweeper.service';
import { TransfersHttpController } from './transfers.http.controller';

/** Binds a port's token to the class that implements it (checked here, at compile time). */
function port<T>(provide: symbol, useExisting: Type<T>): Provider {
  return { provide, useExisting };
}

/** The transfer handlers depend on ports (ports/transfer.ports.ts); these are the real implementations. */
const portProviders: Provider[] = [
  port<TransferLedger>(TRANSFER_LEDGER, LedgerService),
  port<TransferStore>(TRANSFER_STORE, TransfersRepository),
  port<TransferUsers>(TRANSFER_USERS, UserStates),
  port<TransferJobs>(TRANSFER_JOBS, TransferQueue),
  port<TransferEvents>(TRANSFER_EVENTS, EventBus),
  port<TransferStatusEvents>(TRANSFER_STATUS_EVENTS, StatusEventLog),
  port<TransferIdempotency>(TRANSFER_IDEMPOTENCY, IdempotencyService),
  { provide: TRANSFER_CLOCK, useValue: systemClock },
];

/**
 * Transfers: accepted by the API, executed by the Bull processor. `worker: false` (APP_ROLE=api)
 * leaves out the processor and the recovery sweep, so API and worker processes can scale apart.
 */
@Module({})
export class TransfersModule {
  static forRoot(options: { worker: boolean }): DynamicModule {
    const workerProviders: Provider[] = options.worker ? [TransferProcessor, TransferSweeper] : [];
    return {
      module: TransfersModule,
      imports: [
        CqrsModule,
        UsersModule,
        WalletModule,
        IdempotencyModule,
        StatusEventsModule,
        PeriodicJobsModule,
        BullModule.registerQueue({ name: TRANSFER_QUEUE }),
        MongooseModule.forFeature([
          { name: TransferDocument.name, schema: TransferSchema },
          { name: TransferOutcomeDocument.name, schema: TransferOutcomeSchema },
          { name: PendingTransferDocument.name, schema: PendingTransferSchema },
        ]),
      ],
      controllers: [TransfersHttpController],
      providers: [
        TransfersRepository,
        TransferQueue,
        ...portProviders,
        CreateTransferHandler,
        ExecuteTransferHandler,
        RecoverPendingTransfersHandler,
        GetTransferHandler,
        TransferMetricsHandler,
        makeCounterProvider({ name: TRANSFERS_SETTLED_METRIC, help: 'Transfers settled, by outcome and failure reason', labelNames: ['outcome', 'reason'] }),
        ...workerProviders,
      ],
      exports: [TransfersRepository, TransferQueue],
    };
  }
}
