import { BullModule } from '@nestjs/bull';
import { DynamicModule, Module } from '@nestjs/common';
import { CqrsModule } from '@nestjs/cqrs';
import { MongooseModule } from '@nestjs/mongoose';
import { ThrottlerModule } from '@nestjs/throttler';
import { ThrottlerStorageRedisService } from '@nest-lab/throttler-storage-redis';
import Redis from 'ioredis';
import { AppConfig } from './config/app-config';
import { AppConfigModule } from './config/config.module';
import { EventMetricsModule } from './infrastructure/event-metrics.module';
import { LoggingModule } from './infrastructure/logging.module';
import { LedgerDoorbellModule } from './infrastructure/ledger-doorbell';
import { RedisModule, THROTTLER_REDIS } from './infrastructure/redis.module';
import { AuthModule } from './modules/auth';
import { EventsModule } from './modules/events';
import { HealthModule } from './modules/health';
import { HoldsModule } from './modules/holds';
import { ReportsModule } from './modules/reports';
import { QueueDashboardModule, TransfersModule } from './modules/transfers';
import { UsersModule } from './modules/users';
import { WebhooksModule } from './modules/webhooks';
import { WalletModule } from './modules/wallet';

/**
 * The root module. `role` decides what this process does: `all` (HTTP API and queue worker, the
 * default), `api` (HTTP only) or `worker` (queue processor and background sweeps only).
 */
@Module({})
export class AppModule {
  static forRoot(config: AppConfig): DynamicModule {
    return {
      module: AppModule,
      imports: [
        AppConfigModule.forRoot(config),
        LoggingModule,
        RedisModule,
        LedgerDoorbellModule,
        CqrsModule.forRoot(),
        MongooseModule.forRootAsync({
          inject: [AppConfig],
          useFactory: (c: AppConfig) => ({
            uri: c.mongodbUri,
            dbName: c.mongodbDb,
            autoIndex: false,
            autoCreate: false,
            bufferCommands: false,
            // A database that does not answer must not hold a request forever: server selection and
            // connecting give up after 3 s, a command without a reply after 10 s (roomy enough for a
            // report export or a page of reads on a busy machine). Both become 503 (dependencyOf).
            serverSelectionTimeoutMS: 3000,
            connectTimeoutMS: 3000,
            socketTimeoutMS: 10_000,
            retryWrites: false,
          }),
        }),
        BullModule.forRootAsync({
          inject: [AppConfig],
          useFactory: (c: AppConfig) => ({ url: c.redisUrl, prefix: `${c.redisPrefix}:bull` }),
        }),
        ThrottlerModule.forRootAsync({
          inject: [AppConfig, THROTTLER_REDIS],
          useFactory: (c: AppConfig, redis: Redis) => ({
            throttlers: [{ name: 'default', ttl: c.throttleTtlSeconds * 1000, limit: c.throttleLimit }],
            storage: new ThrottlerStorageRedisService(redis),
          }),
        }),
        HealthModule,
        EventMetricsModule,
        UsersModule,
        AuthModule,
        WalletModule,
        TransfersModule.forRoot({ worker: config.runsWorker }),
        HoldsModule.forRoot({ worker: config.runsWorker }),
        ReportsModule,
        // Every role: the worker reads events (the events module's query) to dispatch webhooks.
        EventsModule,
        WebhooksModule.forRoot({ worker: config.runsWorker }),
        ...(config.runsApi ? [QueueDashboardModule] : []),
      ],
    };
  }
}
