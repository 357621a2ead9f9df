// `sessions.revoked_at`: after Redis was unreachable, each process re-publishes the revocations of the
// last access-token lifetime to Redis before it trusts the session copies there again (CacheRepairs,
// docs/security.md "Revocation"). This index keeps that read a range scan.

const { collectionsMigration } = require('./lib/collections');

module.exports = collectionsMigration({
  sessions: [{ key: { revoked_at: 1 }, name: 'revoked_at' }],
});
