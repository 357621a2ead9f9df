import { ApiPropertyOptional } from '@nestjs/swagger';
import { Transform, Type } from 'class-transformer';
import { IsInt, IsOptional, IsString, Max, MaxLength, Min } from 'class-validator';
import { CursorField } from '../../../../common/http/cursor-field';

export const DEFAULT_PAGE_SIZE = 20;
export const MAX_PAGE_SIZE = 100;

/** Query string of `GET /users` (the admin listing and the directory alike). */
export class ListUsersRequestDto {
  @ApiPropertyOptional({ maxLength: 50, description: 'Words that must each appear in the first or last name (admins: or in the phone number)' })
  @IsOptional()
  @Transform(({ value }) => (typeof value === 'string' ? value.trim() : value))
  @IsString({ message: 'q must be a string' })
  @MaxLength(50, { message: 'q must be at most 50 characters' })
  q?: string;

  @ApiPropertyOptional({ type: 'integer', minimum: 1, maximum: MAX_PAGE_SIZE, default: DEFAULT_PAGE_SIZE, description: 'Users per page' })
  @IsOptional()
  @Type(() => Number)
  @IsInt({ message: 'limit must be an integer' })
  @Min(1, { message: 'limit must be at least 1' })
  @Max(MAX_PAGE_SIZE, { message: `limit must be at most ${MAX_PAGE_SIZE}` })
  limit?: number;

  @CursorField({
    maxLength: 200,
    nextPageExample: 'eyJhZnRlciI6IjAxOTNhNGMyLTVkMWUtN2IyYS05YzNkLTRlNWY2YTdiOGM5ZCJ9',
    description: '`pagination.next_cursor` of the previous page, with the same `q`',
  })
  cursor?: string;
}
