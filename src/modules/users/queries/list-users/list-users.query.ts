import { Query } from '@nestjs/cqrs';
import type { AdminUserDto, Page } from '../../users.views';

/** The administrators' listing of every user (any status), searchable, cursor-paginated in registration order. */
export class ListUsersQuery extends Query<Page<AdminUserDto>> {
  constructor(
    readonly q: string | undefined,
    readonly limit: number,
    readonly cursor: string | undefined,
  ) {
    super();
  }
}
