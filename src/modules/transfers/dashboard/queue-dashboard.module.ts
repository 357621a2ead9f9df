import { BullAdapter } from '@bull-board/api/bullAdapter';
import { ExpressAdapter } from '@bull-board/express';
import { BullBoardModule } from '@bull-board/nestjs';
import { Module } from '@nestjs/common';
import { CommandBus, CqrsModule } from '@nestjs/cqrs';
import { ThrottlerStorage } from '@nestjs/throttler';
import { AppConfig } from '../../../config/app-config';
import { PERIODIC_QUEUE } from '../../../infrastructure/periodic-jobs';
import { AuthModule, SessionValidator, TokenService } from '../../auth';
import { HOLD_QUEUE } from '../../holds';
import { WEBHOOK_QUEUE } from '../../webhooks';
import { TRANSFER_QUEUE } from '../queue/transfer-queue';
import { QUEUE_DASHBOARD_ROUTE, QueueDashboardAccess } from './queue-dashboard.access';

export { QUEUE_DASHBOARD_ROUTE } from './queue-dashboard.access';

/**
 * Bull Board at `/admin/queues`, for admins only. It is plain Express middleware, so the access check
 * is its own middleware (`QueueDashboardAccess`): a browser signs in with the form at
 * `/admin/queues/login` and then carries an HttpOnly cookie scoped to the dashboard; other clients
 * send `Authorization: Bearer <access token>`. No token is ever taken from the URL.
 */
@Module({
  imports: [
    BullBoardModule.forRootAsync({
      imports: [AuthModule, CqrsModule],
      inject: [TokenService, SessionValidator, CommandBus, AppConfig, ThrottlerStorage],
      useFactory: (tokens: TokenService, sessions: SessionValidator, commands: CommandBus, config: AppConfig, throttle: ThrottlerStorage) => ({
        route: QUEUE_DASHBOARD_ROUTE,
        adapter: ExpressAdapter,
        boardOptions: {
          uiConfig: {
            boardTitle: 'Dompet queues',
            miscLinks: [{ text: 'Sign out', url: `${QUEUE_DASHBOARD_ROUTE}/logout` }],
            // Bull Board formats times in the browser's time zone (it has no zone setting), while the API
            // speaks APP_TIME_ZONE: every time carries its UTC offset so the two can be compared.
            dateFormats: { short: 'HH:mm:ss xxx', common: 'MM-dd HH:mm:ss xxx', full: 'yyyy-MM-dd HH:mm:ss xxx' },
          },
        },
        middleware: new QueueDashboardAccess(tokens, sessions, commands, config, throttle).middleware,
      }),
    }),
    BullBoardModule.forFeature({ name: TRANSFER_QUEUE, adapter: BullAdapter }, { name: HOLD_QUEUE, adapter: BullAdapter }, { name: WEBHOOK_QUEUE, adapter: BullAdapter }, { name: PERIODIC_QUEUE, adapter: BullAdapter }),
  ],
})
export class QueueDashboardModule {}
