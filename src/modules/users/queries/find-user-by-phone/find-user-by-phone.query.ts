import { Query } from '@nestjs/cqrs';
import type { DirectoryEntryDto } from '../../users.views';

/** Exact lookup of an active user by phone number (already normalised), in the directory's shape. */
export class FindUserByPhoneQuery extends Query<DirectoryEntryDto> {
  constructor(readonly phone: string) {
    super();
  }
}
