import { Module } from '@nestjs/common';
import { MongooseModule } from '@nestjs/mongoose';
import { PeriodicJobsModule } from '../../infrastructure/periodic-jobs';
import { IdempotencyKeyDocument, IdempotencyKeySchema } from './idempotency-key.schema';
import { IdempotencyPurgeJob } from './idempotency-purge.job';
import { IdempotencyService } from './idempotency.service';

/**
 * `Idempotency-Key` support shared by every route that moves money (wallet, holds, transfers): the
 * `idempotency_keys` collection, the service that claims, waits on and replays keys, and the periodic
 * purge of expired keys (on worker processes).
 */
@Module({
  imports: [MongooseModule.forFeature([{ name: IdempotencyKeyDocument.name, schema: IdempotencyKeySchema }]), PeriodicJobsModule],
  providers: [IdempotencyService, IdempotencyPurgeJob],
  exports: [IdempotencyService],
})
export class IdempotencyModule {}
