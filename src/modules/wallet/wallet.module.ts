import { Module } from '@nestjs/common';
import { CqrsModule } from '@nestjs/cqrs';
import { MongooseModule } from '@nestjs/mongoose';
import { PeriodicJobsModule } from '../../infrastructure/periodic-jobs';
import { UsersModule } from '../users/users.module';
import { PayHandler } from './commands/pay/pay.handler';
import { TopUpHandler } from './commands/top-up/top-up.handler';
import { WalletAccess } from './domain/wallet-access';
import { IdempotencyPurgeJob } from './idempotency/idempotency-purge.job';
import { IdempotencyService } from './idempotency/idempotency.service';
import { LedgerDoorbell } from './ledger/ledger-doorbell';
import { LedgerService } from './ledger/ledger.service';
import { LedgerRepository } from './persistence/ledger.repository';
import {
  IdempotencyKeyDocument,
  IdempotencyKeySchema,
  LedgerEntryDocument,
  LedgerEntrySchema,
  WalletHeadDocument,
  WalletHeadSchema,
} from './persistence/ledger.schemas';
import { GetWalletBalanceHandler } from './queries/get-wallet-balance/get-wallet-balance.handler';
import { WalletHttpController } from './wallet.http.controller';

@Module({
  imports: [
    CqrsModule,
    UsersModule,
    PeriodicJobsModule,
    MongooseModule.forFeature([
      { name: LedgerEntryDocument.name, schema: LedgerEntrySchema },
      { name: WalletHeadDocument.name, schema: WalletHeadSchema },
      { name: IdempotencyKeyDocument.name, schema: IdempotencyKeySchema },
    ]),
  ],
  controllers: [WalletHttpController],
  providers: [LedgerRepository, LedgerDoorbell, LedgerService, IdempotencyService, IdempotencyPurgeJob, WalletAccess, TopUpHandler, PayHandler, GetWalletBalanceHandler],
  exports: [LedgerDoorbell, LedgerService, LedgerRepository, IdempotencyService, WalletAccess],
})
export class WalletModule {}
