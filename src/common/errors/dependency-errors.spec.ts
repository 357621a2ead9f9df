import { MongoBulkWriteError, MongoNetworkError } from 'mongodb';
import { dependencyOf } from './dependency-errors';

/** A server error as the MongoDB driver raises it (`MongoServerError`), with FerretDB's fields. */
function serverError(message: string, code = 1, codeName = 'InternalError'): Error {
  return Object.assign(new Error(message), { name: 'MongoServerError', code, codeName });
}

// Messages captured from FerretDB 1.24.2 (postgresql handler) while its PostgreSQL was stopped or restarting.
const REFUSED =
  '[msg_insert.go:168 handler.(*Handler).MsgInsert] failed to connect to `user=postgres database=ferretdb`:\n' +
  '\t127.0.0.1:44097 (127.0.0.1): dial error: dial tcp 127.0.0.1:44097: connect: connection refused';
const STARTING_UP =
  '[msg_ping.go:55 handler.(*Handler).MsgPing] [backend.go:109 postgresql.(*backend).Status] failed to connect to `user=postgres database=ferretdb`:\n' +
  '\t127.0.0.1:44097 (127.0.0.1): tls error: server refused TLS connection\n' +
  '\t127.0.0.1:44097 (127.0.0.1): server error: FATAL: the database system is starting up (SQLSTATE 57P03)';
const ADMIN_SHUTDOWN =
  '[msg_find.go:344 handler.handleMaxTimeMSError] [values.go:74 iterator.ConsumeValuesN[...]] [query_iterator.go:92 postgresql.(*queryIterator).Next] ' +
  'FATAL: terminating connection due to administrator command (SQLSTATE 57P01)';
const EOF =
  '[msg_find.go:344 handler.handleMaxTimeMSError] [values.go:74 iterator.ConsumeValuesN[...]] [filter_iterator.go:52 common.(*filterIterator).Next] ' +
  '[query_iterator.go:92 postgresql.(*queryIterator).Next] unexpected EOF';

describe('dependencyOf', () => {
  it.each([
    ['connection refused', REFUSED],
    ['starting up', STARTING_UP],
    ['administrator shutdown', ADMIN_SHUTDOWN],
    ['connection lost mid-query', EOF],
    ['connection lost mid-insert', '[msg_insert.go:168 handler.(*Handler).MsgInsert] unexpected EOF'],
    ['connection reset mid-insert', '[msg_insert.go:168 handler.(*Handler).MsgInsert] read tcp 127.0.0.1:38336->127.0.0.1:34963: read: connection reset by peer'],
  ])('recognises FerretDB without its PostgreSQL backend (%s) as the database being down', (_what, message) => {
    expect(dependencyOf(serverError(message))).toBe('database');
  });

  it.each([
    ['connection refused', REFUSED],
    ['postmaster killed', '[msg_insert.go:168 handler.(*Handler).MsgInsert] FATAL: terminating connection due to unexpected postmaster exit (SQLSTATE 57P01)'],
  ])('recognises the same under insertMany, which the driver raises as MongoBulkWriteError with no write errors (%s)', (_what, message) => {
    // Captured from insertMany({ ordered: true | false }) against FerretDB 1.24 while its PostgreSQL was killed (-9) and restarted.
    const error = new MongoBulkWriteError({ message, code: 1, codeName: 'InternalError', writeErrors: [] } as never, {} as never);
    expect(error.name).toBe('MongoBulkWriteError');
    expect(dependencyOf(error)).toBe('database');
  });

  it('recognises a network error insertMany wraps in a MongoBulkWriteError (FerretDB killed under an insert)', () => {
    // As the driver raises it (bulk/common.js executeCommands): the network error becomes the bulk error's errorResponse.
    const error = new MongoBulkWriteError(new MongoNetworkError('read ECONNRESET') as never, {} as never);
    expect(error.message).toBe('read ECONNRESET');
    expect(dependencyOf(error)).toBe('database');
  });

  it("recognises a socket error the driver passes on unwrapped (a write on a connection FerretDB's death had ended)", () => {
    // As captured from a POST /transfer while FerretDB was killed (chaos seed 1925505941): Node's EPIPE from the driver's write.
    const stack = (root: string) =>
      'Error: This socket has been ended by the other party\n    at genericNodeError (node:internal/errors:984:15)\n    at Socket.writeAfterFIN [as write] (node:net:566:14)\n' +
      `    at Connection.writeCommand (${root}/node_modules/mongodb/lib/cmap/connection.js:391:25)\n` +
      `    at async InsertOneOperation.executeCommand (${root}/node_modules/mongodb/lib/operations/command.js:76:16)`;
    const socketError = (code: string, root = '/srv/dompet') => Object.assign(new Error('This socket has been ended by the other party'), { code, stack: stack(root) });
    expect(dependencyOf(socketError('EPIPE'))).toBe('database');
    expect(dependencyOf(socketError('ECONNRESET', '/app'))).toBe('database');
    // The same error from any other socket (no driver frame), or another code from the driver, is not the database.
    expect(dependencyOf(Object.assign(new Error('This socket has been ended by the other party'), { code: 'EPIPE' }))).toBeNull();
    expect(dependencyOf(socketError('ERR_INVALID_ARG_TYPE'))).toBeNull();
  });

  it('recognises driver timeouts and unreachable servers', () => {
    for (const name of ['MongoServerSelectionError', 'MongoNetworkTimeoutError', 'MongoNetworkError', 'MongoPoolClearedError', 'PoolClearedOnNetworkError', 'MongooseServerSelectionError']) {
      expect(dependencyOf(Object.assign(new Error('x'), { name }))).toBe('database');
    }
  });

  it('leaves other server errors to surface as bugs (500)', () => {
    // An InternalError that is not about the backend connection, and backend wording under another code.
    expect(dependencyOf(serverError('[msg_aggregate.go:300 handler.MsgAggregate] unexpected end of JSON input'))).toBeNull();
    expect(dependencyOf(serverError('unexpected EOF'))).toBeNull();
    expect(dependencyOf(serverError('[msg_find.go:1 handler] invalid input syntax for type json (SQLSTATE 22P02)'))).toBeNull();
    expect(dependencyOf(serverError('failed to connect to `user=postgres`', 2, 'BadValue'))).toBeNull();
    expect(dependencyOf(serverError('E11000 duplicate key error', 11000, 'DuplicateKey'))).toBeNull();
    expect(dependencyOf(new TypeError("Cannot read properties of undefined (reading 'balance')"))).toBeNull();
    expect(dependencyOf(Object.assign(new Error(REFUSED), { name: 'Error' }))).toBeNull();
  });

  it('recognises Redis being unreachable', () => {
    expect(dependencyOf(Object.assign(new Error('connect ECONNREFUSED 127.0.0.1:6379'), { code: 'ECONNREFUSED' }))).toBe('redis');
    expect(dependencyOf(Object.assign(new Error('Reached the max retries per request limit'), { name: 'MaxRetriesPerRequestError' }))).toBe('redis');
  });
});
