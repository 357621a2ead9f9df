/** True when a write failed because a unique index (including `_id`) already holds the key. */
export function isDuplicateKeyError(error: unknown): boolean {
  const e = error as { code?: number; codeName?: string; writeErrors?: Array<{ code?: number }> } | null;
  if (!e) return false;
  if (e.code === 11000 || e.code === 11001 || e.codeName === 'DuplicateKey') return true;
  return Array.isArray(e.writeErrors) && e.writeErrors.some((w) => w.code === 11000);
}
