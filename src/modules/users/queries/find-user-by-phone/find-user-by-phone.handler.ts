import { IQueryHandler, QueryHandler } from '@nestjs/cqrs';
import { UserNotFoundError } from '../../domain/user.errors';
import { UsersRepository } from '../../persistence/users.repository';
import { DirectoryEntryDto, toDirectoryEntry } from '../../users.views';
import { FindUserByPhoneQuery } from './find-user-by-phone.query';

@QueryHandler(FindUserByPhoneQuery)
export class FindUserByPhoneHandler implements IQueryHandler<FindUserByPhoneQuery, DirectoryEntryDto> {
  constructor(private readonly users: UsersRepository) {}

  async execute({ phone }: FindUserByPhoneQuery): Promise<DirectoryEntryDto> {
    const user = await this.users.findByPhone(phone);
    if (!user || user.status !== 'ACTIVE') throw new UserNotFoundError();
    return toDirectoryEntry(user);
  }
}
