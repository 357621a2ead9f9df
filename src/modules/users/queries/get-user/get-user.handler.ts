import { IQueryHandler, QueryHandler } from '@nestjs/cqrs';
import { AppConfig } from '../../../../config/app-config';
import { UserNotFoundError } from '../../domain/user.errors';
import { UsersRepository } from '../../persistence/users.repository';
import { AdminUserDto, toAdminUser } from '../../users.views';
import { GetUserQuery } from './get-user.query';

@QueryHandler(GetUserQuery)
export class GetUserHandler implements IQueryHandler<GetUserQuery, AdminUserDto> {
  constructor(
    private readonly users: UsersRepository,
    private readonly config: AppConfig,
  ) {}

  async execute({ userId }: GetUserQuery): Promise<AdminUserDto> {
    const user = await this.users.findById(userId);
    if (!user) throw new UserNotFoundError();
    return toAdminUser(user, this.config.timeZone);
  }
}
