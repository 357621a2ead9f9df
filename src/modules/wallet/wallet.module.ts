import { Module } from '@nestjs/common';
import { CqrsModule } from '@nestjs/cqrs';
import { MongooseModule } from '@nestjs/mongoose';
import { IdempotencyModule } from '../idempotency';
import { UsersModule } from '../users';
import { PayHandler } from './commands/pay/pay.handler';
import { TopUpHandler } from './commands/top-up/top-up.handler';
import { WalletAccess } from './domain/wallet-access';
import { LedgerService } from './ledger/ledger.service';
import { LedgerRepository } from './persistence/ledger.repository';
import { LedgerEntryDocument, LedgerEntrySchema, WalletHeadDocument, WalletHeadSchema } from './persistence/ledger.schemas';
import { GetWalletBalanceHandler } from './queries/get-wallet-balance/get-wallet-balance.handler';
import { WalletHttpController } from './wallet.http.controller';

@Module({
  imports: [
    CqrsModule,
    UsersModule,
    IdempotencyModule,
    MongooseModule.forFeature([
      { name: LedgerEntryDocument.name, schema: LedgerEntrySchema },
      { name: WalletHeadDocument.name, schema: WalletHeadSchema },
    ]),
  ],
  controllers: [WalletHttpController],
  providers: [LedgerRepository, LedgerService, WalletAccess, TopUpHandler, PayHandler, GetWalletBalanceHandler],
  exports: [LedgerService, LedgerRepository, WalletAccess],
})
export class WalletModule {}
