// Collections of the auth module: login sessions, refresh tokens (stored only as SHA-256 hashes)
// and their single use. Every request-path read is an `_id` lookup (session id, token hash); the
// secondary indexes serve the hourly purge of expired tokens and looking up a user's sessions.
// FerretDB has no TTL indexes, so expiry is a plain index used by the purge.

const { collectionsMigration } = require('./lib/collections');

const collections = {
  sessions: [{ key: { user_id: 1 }, name: 'user_id' }],
  refresh_tokens: [
    { key: { expires_at: 1 }, name: 'expires_at' },
    { key: { session_id: 1 }, name: 'session_id' },
  ],
  refresh_token_uses: [{ key: { expires_at: 1 }, name: 'expires_at' }],
};

module.exports = collectionsMigration(collections);
