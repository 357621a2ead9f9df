import { Query } from '@nestjs/cqrs';
import type { Pagination } from '../../../../common/http/envelope';
import type { HoldStatus } from '../../domain/hold';
import type { HoldView } from '../../services/hold-view';

export class ListHoldsQuery extends Query<{ items: HoldView[]; pagination: Pagination }> {
  constructor(
    readonly userId: string,
    readonly status: HoldStatus | undefined,
    readonly limit: number,
    readonly cursor: string | undefined,
  ) {
    super();
  }
}
