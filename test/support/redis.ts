import type Redis from 'ioredis';

/**
 * Deletes every key under `prefix`: to the app using that prefix, the same as a FLUSHALL (other tests'
 * keys are left alone). Returns how many keys were deleted.
 */
export async function deleteRedisKeys(redis: Redis, prefix: string): Promise<number> {
  let deleted = 0;
  let cursor = '0';
  do {
    const [next, keys] = await redis.scan(cursor, 'MATCH', `${prefix}:*`, 'COUNT', 1000);
    cursor = next;
    if (keys.length) deleted += await redis.unlink(...keys);
  } while (cursor !== '0');
  return deleted;
}
