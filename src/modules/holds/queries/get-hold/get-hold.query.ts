import { Query } from '@nestjs/cqrs';
import type { Role } from '../../../../common/decorators/auth.decorators';
import type { HoldView } from '../../services/hold-view';

export class GetHoldQuery extends Query<HoldView> {
  constructor(
    readonly actor: { userId: string; role: Role },
    readonly holdId: string,
  ) {
    super();
  }
}
