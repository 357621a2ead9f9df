// Public surface of the idempotency module: what other modules may import (nothing deeper).
export { IdempotencyModule } from './idempotency.module';
export { IdempotencyService } from './idempotency.service';
export type { IdempotentRequest } from './idempotency.service';
export { IdempotencyKey, IdempotencyKeyHeader } from './idempotency-key.http';
