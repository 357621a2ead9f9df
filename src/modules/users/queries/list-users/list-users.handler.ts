import { IQueryHandler, QueryHandler } from '@nestjs/cqrs';
import { AppConfig } from '../../../../config/app-config';
import { decodeUserCursor, encodeUserCursor } from '../../domain/user-cursor';
import { UsersRepository } from '../../persistence/users.repository';
import { AdminUserDto, Page, toAdminUser } from '../../users.views';
import { ListUsersQuery } from './list-users.query';
import { searchTerms } from './search-terms';

@QueryHandler(ListUsersQuery)
export class ListUsersHandler implements IQueryHandler<ListUsersQuery, Page<AdminUserDto>> {
  constructor(
    private readonly users: UsersRepository,
    private readonly config: AppConfig,
  ) {}

  async execute({ q, limit, cursor }: ListUsersQuery): Promise<Page<AdminUserDto>> {
    const rows = await this.users.search({ afterId: decodeUserCursor(cursor), limit: limit + 1, terms: searchTerms(q, true) });
    const page = rows.slice(0, limit);
    const hasMore = rows.length > limit;
    return {
      items: page.map((u) => toAdminUser(u, this.config.timeZone)),
      pagination: { next_cursor: hasMore ? encodeUserCursor(page[page.length - 1]._id) : null, has_more: hasMore },
    };
  }
}
