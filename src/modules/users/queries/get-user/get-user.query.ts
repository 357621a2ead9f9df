import { Query } from '@nestjs/cqrs';
import type { AdminUserDto } from '../../users.views';

/** An administrator reads one user's full record (never the PIN hash). */
export class GetUserQuery extends Query<AdminUserDto> {
  constructor(readonly userId: string) {
    super();
  }
}
