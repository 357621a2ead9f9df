import { Module } from '@nestjs/common';
import { MongooseModule } from '@nestjs/mongoose';
import { IdempotencyKeyDocument, IdempotencyKeySchema } from './idempotency-key.schema';
import { IdempotencyService } from './idempotency.service';

/**
 * `Idempotency-Key` support shared by every route that moves money (wallet, holds, transfers): the
 * `idempotency_keys` collection and the service that claims, waits on and replays keys.
 */
@Module({
  imports: [MongooseModule.forFeature([{ name: IdempotencyKeyDocument.name, schema: IdempotencyKeySchema }])],
  providers: [IdempotencyService],
  exports: [IdempotencyService],
})
export class IdempotencyModule {}
