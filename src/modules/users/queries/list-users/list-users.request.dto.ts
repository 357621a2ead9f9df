import { ApiPropertyOptional } from '@nestjs/swagger';
import { Transform, Type } from 'class-transformer';
import { IsInt, IsOptional, IsString, Max, MaxLength, Min } from 'class-validator';

export const DEFAULT_PAGE_SIZE = 20;
export const MAX_PAGE_SIZE = 100;

/** Query string of `GET /users` (the admin listing and the directory alike). */
export class ListUsersRequestDto {
  @ApiPropertyOptional({ example: 'budi', maxLength: 50, description: 'Words that must each appear in the first or last name (admins: or in the phone number)' })
  @IsOptional()
  @Transform(({ value }) => (typeof value === 'string' ? value.trim() : value))
  @IsString({ message: 'q must be a string' })
  @MaxLength(50, { message: 'q must be at most 50 characters' })
  q?: string;

  @ApiPropertyOptional({ type: 'integer', example: 20, minimum: 1, maximum: MAX_PAGE_SIZE, default: DEFAULT_PAGE_SIZE, description: 'Users per page' })
  @IsOptional()
  @Type(() => Number)
  @IsInt({ message: 'limit must be an integer' })
  @Min(1, { message: 'limit must be at least 1' })
  @Max(MAX_PAGE_SIZE, { message: `limit must be at most ${MAX_PAGE_SIZE}` })
  limit?: number;

  @ApiPropertyOptional({
    // The first example (empty: the first page) is what Swagger UI's "Try it out" sends, i.e. no cursor.
    examples: {
      firstPage: { summary: 'First page: no cursor', value: '' },
      nextPage: { summary: 'A pagination.next_cursor answered by the previous page', value: 'eyJhZnRlciI6IjAxOTNhNGMyLTVkMWUtN2IyYS05YzNkLTRlNWY2YTdiOGM5ZCJ9' },
    },
    maxLength: 200,
    description: '`pagination.next_cursor` of the previous page, with the same `q`',
  })
  @IsOptional()
  @IsString({ message: 'cursor must be a string' })
  @MaxLength(200, { message: 'cursor is invalid' })
  cursor?: string;
}
