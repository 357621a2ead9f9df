/** Recognises driver errors that mean "the database or Redis is unreachable" (as opposed to bad input or bugs). */
export function dependencyOf(error: unknown): 'database' | 'redis' | null {
  if (!error || typeof error !== 'object') return null;
  const e = error as { name?: string; message?: string; code?: string };
  const name = e.name ?? '';
  const message = e.message ?? '';
  if (
    /^Mongo(ServerSelection|Network|NetworkTimeout|NotConnected|TopologyClosed|PoolCleared)Error$/.test(name) ||
    (name === 'MongooseServerSelectionError') ||
    /buffering timed out|Client must be connected|connection .* closed|Topology is closed/i.test(message)
  ) {
    return 'database';
  }
  if (
    name === 'MaxRetriesPerRequestError' ||
    /Connection is closed|Stream isn't writeable|ECONNREFUSED|Reached the max retries per request/i.test(message) ||
    e.code === 'ECONNREFUSED'
  ) {
    return 'redis';
  }
  return null;
}
