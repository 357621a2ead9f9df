import { BullModule } from '@nestjs/bull';
import { DynamicModule, Module, Provider } from '@nestjs/common';
import { CqrsModule } from '@nestjs/cqrs';
import { MongooseModule } from '@nestjs/mongoose';
import { PeriodicJobsModule } from '../../infrastructure/periodic-jobs';
import { IdempotencyModule } from '../idempotency';
import { WalletModule } from '../wallet';
import { CaptureHoldHandler } from './commands/capture-hold/capture-hold.handler';
import { CreateHoldHandler } from './commands/create-hold/create-hold.handler';
import { ExpireHoldHandler } from './commands/expire-hold/expire-hold.handler';
import { RecoverDueHoldsHandler } from './commands/recover-due-holds/recover-due-holds.handler';
import { VoidHoldHandler } from './commands/void-hold/void-hold.handler';
import { HoldsHttpController } from './holds.http.controller';
import { HoldDocument, HoldOutcomeDocument, HoldOutcomeSchema, HoldSchema } from './persistence/hold.schemas';
import { HoldsRepository } from './persistence/holds.repository';
import { GetHoldHandler } from './queries/get-hold/get-hold.handler';
import { ListHoldsHandler } from './queries/list-holds/list-holds.handler';
import { HOLD_QUEUE, HoldQueue } from './queue/hold-queue';
import { HoldProcessor } from './queue/hold.processor';
import { HoldSweeper } from './queue/hold-sweeper.service';
import { HoldSettlement } from './services/hold-settlement';

/**
 * Payment holds: authorised by the API, expired by the Bull processor. `worker: false` (APP_ROLE=api)
 * leaves out the processor and the recovery sweep, as for transfers.
 */
@Module({})
export class HoldsModule {
  static forRoot(options: { worker: boolean }): DynamicModule {
    const workerProviders: Provider[] = options.worker ? [HoldProcessor, HoldSweeper] : [];
    return {
      module: HoldsModule,
      imports: [
        CqrsModule,
        WalletModule,
        IdempotencyModule,
        PeriodicJobsModule,
        BullModule.registerQueue({ name: HOLD_QUEUE }),
        MongooseModule.forFeature([
          { name: HoldDocument.name, schema: HoldSchema },
          { name: HoldOutcomeDocument.name, schema: HoldOutcomeSchema },
        ]),
      ],
      controllers: [HoldsHttpController],
      providers: [
        HoldsRepository,
        HoldSettlement,
        HoldQueue,
        CreateHoldHandler,
        CaptureHoldHandler,
        VoidHoldHandler,
        ExpireHoldHandler,
        RecoverDueHoldsHandler,
        GetHoldHandler,
        ListHoldsHandler,
        ...workerProviders,
      ],
      exports: [HoldsRepository, HoldQueue],
    };
  }
}
