import type { Logger } from '@nestjs/common';
import type { Job, Queue } from 'bull';

/**
 * Starts handling the `name` jobs of `queue`, `concurrency` at once. Processors call it at bootstrap
 * (not with `@Process`, whose concurrency is fixed when the class loads) so the concurrency comes from
 * the typed config. Bull's promise settles only if processing stops: that is logged.
 */
export function processJobs<T>(queue: Queue<T>, name: string, concurrency: number, handler: (job: Job<T>) => Promise<unknown>, logger: Logger): void {
  queue.process(name, concurrency, handler).catch((err: Error) => logger.error(`${queue.name} queue: processing of ${name} jobs stopped: ${err.message}`));
}
