import { BullModule } from '@nestjs/bull';
import { DynamicModule, Module, Provider } from '@nestjs/common';
import { CqrsModule } from '@nestjs/cqrs';
import { MongooseModule } from '@nestjs/mongoose';
import { makeCounterProvider } from '@willsoto/nestjs-prometheus';
import { PeriodicJobsModule } from '../../infrastructure/periodic-jobs';
import { StatusEventsModule } from '../events/status-events.module';
import { UsersModule } from '../users/users.module';
import { WalletModule } from '../wallet/wallet.module';
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
import { GetTransferHandler } from './queries/get-transfer/get-transfer.handler';
import { TRANSFER_QUEUE, TransferQueue } from './queue/transfer-queue';
import { TransferProcessor } from './queue/transfer.processor';
import { TransferSweeper } from './queue/transfer-sweeper.service';
import { TransfersHttpController } from './transfers.http.controller';

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
