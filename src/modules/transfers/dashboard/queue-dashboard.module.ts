import { BullAdapter } from '@bull-board/api/bullAdapter';
import { ExpressAdapter } from '@bull-board/express';
import { BullBoardModule } from '@bull-board/nestjs';
import { Module } from '@nestjs/common';
import type { NextFunction, Request, Response } from 'express';
import { AuthModule } from '../../auth/auth.module';
import { SessionValidator } from '../../auth/services/session-validator.service';
import { TokenService } from '../../auth/services/token.service';
import { TRANSFER_QUEUE } from '../queue/transfer-queue';

export const QUEUE_DASHBOARD_ROUTE = '/admin/queues';
const COOKIE = 'dompet_queues_token';

function tokenOf(req: Request): { token: string | null; fromQuery: boolean } {
  const header = req.headers.authorization;
  if (header?.startsWith('Bearer ')) return { token: header.slice(7), fromQuery: false };
  const query = req.query.access_token;
  if (typeof query === 'string' && query) return { token: query, fromQuery: true };
  const cookie = (req.headers.cookie ?? '').split(';').map((c) => c.trim()).find((c) => c.startsWith(`${COOKIE}=`));
  return { token: cookie ? decodeURIComponent(cookie.slice(COOKIE.length + 1)) : null, fromQuery: false };
}

/**
 * Bull Board at `/admin/queues`, for admins only. It is plain Express middleware, so the access check
 * is its own middleware: a Bearer access token (header, or `?access_token=` once in a browser, which
 * is then kept in an HttpOnly cookie scoped to the dashboard) that is valid and belongs to an ADMIN.
 */
@Module({
  imports: [
    BullBoardModule.forRootAsync({
      imports: [AuthModule],
      inject: [TokenService, SessionValidator],
      useFactory: (tokens: TokenService, sessions: SessionValidator) => ({
        route: QUEUE_DASHBOARD_ROUTE,
        adapter: ExpressAdapter,
        boardOptions: { uiConfig: { boardTitle: 'Dompet queues' } },
        middleware: async (req: Request, res: Response, next: NextFunction) => {
          const { token, fromQuery } = tokenOf(req);
          const claims = token ? await tokens.verifyAccessToken(token) : null;
          const user = claims ? await sessions.validate(claims).catch(() => null) : null;
          if (!user) return void res.status(401).json({ message: 'Unauthenticated', code: 'UNAUTHENTICATED' });
          if (user.role !== 'ADMIN') return void res.status(403).json({ message: 'Only administrators can see the queues', code: 'FORBIDDEN' });
          if (fromQuery) res.cookie(COOKIE, token, { httpOnly: true, sameSite: 'strict', path: QUEUE_DASHBOARD_ROUTE });
          next();
        },
      }),
    }),
    BullBoardModule.forFeature({ name: TRANSFER_QUEUE, adapter: BullAdapter }),
  ],
})
export class QueueDashboardModule {}
