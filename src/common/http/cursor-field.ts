import { applyDecorators } from '@nestjs/common';
import { ApiPropertyOptional } from '@nestjs/swagger';
import { IsOptional, IsString, MaxLength } from 'class-validator';

/**
 * The `cursor` query parameter of a paginated listing: the previous page's `pagination.next_cursor`.
 * Its first example is empty (the first page), which is what Swagger UI's "Try it out" sends.
 */
export function CursorField(options: { maxLength: number; nextPageExample: string; description: string }) {
  return applyDecorators(
    ApiPropertyOptional({
      examples: {
        firstPage: { summary: 'First page: no cursor', value: '' },
        nextPage: { summary: 'A pagination.next_cursor answered by the previous page', value: options.nextPageExample },
      },
      maxLength: options.maxLength,
      description: options.description,
    }),
    IsOptional(),
    IsString({ message: 'cursor must be a string' }),
    MaxLength(options.maxLength, { message: 'cursor is invalid' }),
  );
}
