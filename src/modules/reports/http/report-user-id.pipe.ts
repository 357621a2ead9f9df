import { Injectable, PipeTransform } from '@nestjs/common';
import { ValidationFailedError } from '../../../common/errors';
import { isUuid } from '../../../common/util/ids';

/** `:id` of `/users/{id}/transactions…`: a malformed id is a 400, never a lookup. */
@Injectable()
export class ReportUserIdPipe implements PipeTransform<string, string> {
  transform(value: string): string {
    if (!isUuid(value)) throw new ValidationFailedError('Validation failed: id must be a user_id (UUID)', { id: ['id must be a UUID'] });
    return value.toLowerCase();
  }
}
