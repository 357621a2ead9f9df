import { Query } from '@nestjs/cqrs';
import type { DirectoryEntryDto, Page } from '../../users.views';

/**
 * The small directory an ordinary user sees to choose a transfer target: active users only (not the
 * viewer, not administrators), names and a masked phone number, nothing else.
 */
export class ListUserDirectoryQuery extends Query<Page<DirectoryEntryDto>> {
  constructor(
    readonly viewerId: string,
    readonly q: string | undefined,
    readonly limit: number,
    readonly cursor: string | undefined,
  ) {
    super();
  }
}
