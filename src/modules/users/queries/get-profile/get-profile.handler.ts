import { IQueryHandler, QueryBus, QueryHandler } from '@nestjs/cqrs';
import { UnauthenticatedError } from '../../../../common/errors';
import { AppConfig } from '../../../../config/app-config';
import { GetWalletBalanceQuery } from './get-wallet-balance.query';
import { UsersRepository } from '../../persistence/users.repository';
import { ProfileDto, toProfile } from '../../users.views';
import { GetProfileQuery } from './get-profile.query';

@QueryHandler(GetProfileQuery)
export class GetProfileHandler implements IQueryHandler<GetProfileQuery, ProfileDto> {
  constructor(
    private readonly users: UsersRepository,
    private readonly queries: QueryBus,
    private readonly config: AppConfig,
  ) {}

  async execute({ userId }: GetProfileQuery): Promise<ProfileDto> {
    // The balance belongs to the wallet module: ask it over the query bus rather than reading its collections.
    const [user, wallet] = await Promise.all([this.users.findById(userId), this.queries.execute(new GetWalletBalanceQuery(userId))]);
    if (!user) throw new UnauthenticatedError();
    return toProfile(user, wallet.balance, this.config.timeZone);
  }
}
