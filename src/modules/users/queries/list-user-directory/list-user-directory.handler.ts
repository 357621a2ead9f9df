import { IQueryHandler, QueryHandler } from '@nestjs/cqrs';
import { decodeUserCursor, encodeUserCursor } from '../../domain/user-cursor';
import { UsersRepository } from '../../persistence/users.repository';
import { DirectoryEntryDto, Page, toDirectoryEntry } from '../../users.views';
import { searchTerms } from '../list-users/search-terms';
import { ListUserDirectoryQuery } from './list-user-directory.query';

@QueryHandler(ListUserDirectoryQuery)
export class ListUserDirectoryHandler implements IQueryHandler<ListUserDirectoryQuery, Page<DirectoryEntryDto>> {
  constructor(private readonly users: UsersRepository) {}

  async execute({ viewerId, q, limit, cursor }: ListUserDirectoryQuery): Promise<Page<DirectoryEntryDto>> {
    // Names only: searching the directory by phone digits would let anyone recover the masked numbers.
    const rows = await this.users.search({
      afterId: decodeUserCursor(cursor),
      limit: limit + 1,
      terms: searchTerms(q, false),
      directory: { excludeId: viewerId },
    });
    const page = rows.slice(0, limit);
    const hasMore = rows.length > limit;
    return {
      items: page.map(toDirectoryEntry),
      pagination: { next_cursor: hasMore ? encodeUserCursor(page[page.length - 1]._id) : null, has_more: hasMore },
    };
  }
}
