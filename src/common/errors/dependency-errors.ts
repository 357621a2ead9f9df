/**
 * FerretDB (postgresql handler) answers every command with `InternalError` (code 1) while it cannot
 * use its PostgreSQL backend. The message is FerretDB's error chain and ends with what pgx reported:
 * - `failed to connect to \`user=postgres database=ferretdb\`: … dial error: … connection refused`
 *   (PostgreSQL stopped, or `FATAL: the database system is starting up (SQLSTATE 57P03)` while it restarts);
 * - `FATAL: terminating connection due to administrator command (SQLSTATE 57P01)` (a pooled backend
 *   connection closed by a shutdown);
 * - `… postgresql.(*queryIterator).Next] unexpected EOF` (the backend connection dropped mid-query), or
 *   `[msg_insert.go:168 handler.(*Handler).MsgInsert] unexpected EOF` (the same under a write).
 * Only these shapes count: any other InternalError (a bug, a query FerretDB cannot run) stays a 500.
 */
const FERRETDB_BACKEND_DOWN = new RegExp(
  [
    'failed to connect to `',
    // SQLSTATE class 08 (connection exception), 57P01-57P03 (admin/crash shutdown, cannot connect now), 53300 (too many connections)
    '\\(SQLSTATE (?:08[0-9A-Z]{3}|57P0[123]|53300)\\)',
    // pgx: the backend connection went away under a query or a write
    '(?:postgresql|pgx|pgconn)[^\\n]*\\] (?:unexpected EOF|conn closed|.*(?:broken pipe|connection reset by peer))$',
    // the same under a write: `[msg_insert.go:168 handler.(*Handler).MsgInsert] unexpected EOF` (PostgreSQL killed mid-insert)
    // or `… MsgInsert] read tcp 127.0.0.1:38336->127.0.0.1:34963: read: connection reset by peer` (killed mid-write)
    '^\\[msg_[a-z]+\\.go:\\d+ handler\\.[^\\]]*\\] (?:unexpected EOF|conn closed|(?:read|write) tcp .*(?:broken pipe|connection reset by peer|i/o timeout))$',
  ].join('|'),
);

function isFerretDbBackendDown(e: { name?: string; code?: unknown; codeName?: string; message?: string }): boolean {
  return (
    // insertMany raises the same server answer as a MongoBulkWriteError (a MongoServerError subclass) with no write errors
    (e.name === 'MongoServerError' || e.name === 'MongoBulkWriteError') &&
    e.code === 1 &&
    (e.codeName === undefined || e.codeName === 'InternalError') &&
    FERRETDB_BACKEND_DOWN.test(e.message ?? '')
  );
}

/**
 * A socket error that the MongoDB driver passes on unwrapped: a command written on a connection the
 * server had already closed (FerretDB killed between two commands) fails in `Connection.writeCommand`
 * with Node's own `EPIPE` ("This socket has been ended by the other party"), not a `MongoNetworkError`.
 * The command was not sent. Told from any other socket's error by the driver's frames in its stack.
 */
function isDriverSocketError(e: { code?: unknown; stack?: string }): boolean {
  return (e.code === 'EPIPE' || e.code === 'ECONNRESET') && /[\\/]node_modules[\\/]mongodb[\\/]lib[\\/]cmap[\\/]/.test(e.stack ?? '');
}

/** Recognises driver errors that mean "the database or Redis is unreachable" (as opposed to bad input or bugs). */
export function dependencyOf(error: unknown): 'database' | 'redis' | null {
  if (!error || typeof error !== 'object') return null;
  const e = error as { name?: string; message?: string; code?: unknown; codeName?: string; errorResponse?: unknown; stack?: string };
  // insertMany wraps a driver error (a connection reset, a server selection timeout) in a MongoBulkWriteError
  // carrying no write errors; the error it wraps is its `errorResponse`.
  if (e.name === 'MongoBulkWriteError' && e.errorResponse instanceof Error && e.errorResponse !== error) {
    const wrapped = dependencyOf(e.errorResponse);
    if (wrapped) return wrapped;
  }
  const name = e.name ?? '';
  const message = e.message ?? '';
  if (
    /^Mongo(ServerSelection|Network|NetworkTimeout|NotConnected|TopologyClosed|PoolCleared|WaitQueueTimeout)Error$/.test(name) ||
    // the driver's in-use connections interrupted when its monitor loses the server (a frozen FerretDB)
    name === 'PoolClearedOnNetworkError' ||
    (name === 'MongooseServerSelectionError') ||
    /buffering timed out|Client must be connected|connection .* closed|Topology is closed/i.test(message) ||
    isFerretDbBackendDown(e) ||
    isDriverSocketError(e)
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
