import { Query } from '@nestjs/cqrs';
import type { ProfileDto } from '../../users.views';

/** The signed-in user's own profile with their wallet balance. */
export class GetProfileQuery extends Query<ProfileDto> {
  constructor(readonly userId: string) {
    super();
  }
}
