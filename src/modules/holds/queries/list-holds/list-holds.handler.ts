import { IQueryHandler, QueryHandler } from '@nestjs/cqrs';
import { AppConfig } from '../../../../config/app-config';
import type { Pagination } from '../../../../common/http/envelope';
import { HoldsRepository } from '../../persistence/holds.repository';
import { HoldView, holdView } from '../../services/hold-view';
import { ListHoldsQuery } from './list-holds.query';

/** The caller's holds, newest first, optionally of one status; paged by hold id (UUID v7, time ordered). */
@QueryHandler(ListHoldsQuery)
export class ListHoldsHandler implements IQueryHandler<ListHoldsQuery, { items: HoldView[]; pagination: Pagination }> {
  constructor(
    private readonly holds: HoldsRepository,
    private readonly config: AppConfig,
  ) {}

  async execute(q: ListHoldsQuery): Promise<{ items: HoldView[]; pagination: Pagination }> {
    const found = await this.holds.listByUser(q.userId, { status: q.status, before: q.cursor?.toLowerCase(), limit: q.limit + 1 });
    const page = found.slice(0, q.limit);
    const hasMore = found.length > q.limit;
    return {
      items: page.map((h) => holdView(h, this.config.timeZone)),
      pagination: { next_cursor: hasMore ? page[page.length - 1]._id : null, has_more: hasMore },
    };
  }
}
