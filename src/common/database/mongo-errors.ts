/** True when a write failed because a unique index (including `_id`) already holds the key. */
export function isDuplicateKeyError(error: unknown): boolean {
  const e = error as { code?: number; codeName?: string; writeErrors?: Array<{ code?: number }> } | null;
  if (!e) return false;
  if (e.code === 11000 || e.code === 11001 || e.codeName === 'DuplicateKey') return true;
  return Array.isArray(e.writeErrors) && e.writeErrors.some((w) => w.code === 11000);
}

/**
 * Claims a key by inserting the document under it: true when this insert won, false when the key
 * (its `_id`, or any unique index) was already taken. Inserts under a unique index are atomic on
 * MongoDB and FerretDB alike, so this is how every race in the service is decided.
 */
export async function insertIfAbsent(collection: { insertOne(doc: never): Promise<unknown> }, doc: object): Promise<boolean> {
  try {
    await collection.insertOne(doc as never);
    return true;
  } catch (err) {
    if (isDuplicateKeyError(err)) return false;
    throw err;
  }
}
