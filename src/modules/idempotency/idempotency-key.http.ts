import { createParamDecorator, ExecutionContext } from '@nestjs/common';
import { ApiHeader } from '@nestjs/swagger';

/**
 * The raw `Idempotency-Key` request header (a custom parameter decorator rather than `@Headers`, which
 * Swagger would document a second time under its lower-case name).
 */
export const IdempotencyKey = createParamDecorator((_: unknown, ctx: ExecutionContext): string | undefined =>
  ctx.switchToHttp().getRequest<{ get(name: string): string | undefined }>().get('Idempotency-Key'),
);

/**
 * The optional `Idempotency-Key` request header, without an example value on purpose: Swagger UI would
 * prefill it, and executing twice would silently replay the first answer.
 */
export const IdempotencyKeyHeader = () =>
  ApiHeader({
    name: 'Idempotency-Key',
    required: false,
    description:
      'Optional; a new random UUID per operation (any 1-128 characters `[A-Za-z0-9_.:-]` are accepted), reused only to retry that same operation. ' +
      'A retry with the same key and body replays the first answer (with `Idempotent-Replayed: true`) and moves no money; the same key with another body is 409. Keys are remembered for IDEMPOTENCY_TTL_SECONDS (24 h by default).',
    schema: { type: 'string', format: 'uuid', pattern: '^[A-Za-z0-9_.:-]{1,128}$', minLength: 1, maxLength: 128 },
  });
