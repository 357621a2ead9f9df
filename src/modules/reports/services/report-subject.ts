import { Injectable } from '@nestjs/common';
import { NotFoundError } from '../../../common/errors';
import { UsersRepository } from '../../users';

/**
 * Whose report a query reads. A user reads their own wallet (wallet id = user id); an admin names
 * any user, who must exist.
 */
export class ReportSubject {
  private constructor(
    readonly walletId: string,
    readonly readByAdmin: boolean,
  ) {}

  static own(userId: string): ReportSubject {
    return new ReportSubject(userId, false);
  }

  static user(userId: string): ReportSubject {
    return new ReportSubject(userId, true);
  }
}

@Injectable()
export class ReportSubjects {
  constructor(private readonly users: UsersRepository) {}

  /** The wallet to read; 404 when an admin names a user that does not exist. */
  async walletOf(subject: ReportSubject): Promise<string> {
    if (subject.readByAdmin && !(await this.users.findById(subject.walletId))) throw new NotFoundError('User', 'USER_NOT_FOUND');
    return subject.walletId;
  }
}
