// Collections of the auth module: login sessions, refresh tokens (stored only as SHA-256 hashes)
// and their single use. Every request-path read is an `_id` lookup (session id, token hash); the
// secondary indexes serve the hourly purge of expired tokens and looking up a user's sessions.
// FerretDB has no TTL indexes, so expiry is a plain index used by the purge.

const collections = {
  sessions: [{ key: { user_id: 1 }, name: 'user_id' }],
  refresh_tokens: [
    { key: { expires_at: 1 }, name: 'expires_at' },
    { key: { session_id: 1 }, name: 'session_id' },
  ],
  refresh_token_uses: [{ key: { expires_at: 1 }, name: 'expires_at' }],
};

async function ensureCollection(db, name) {
  const existing = await db.listCollections({ name }, { nameOnly: true }).toArray();
  if (existing.length === 0) await db.createCollection(name);
}

module.exports = {
  async up(db) {
    for (const [name, indexes] of Object.entries(collections)) {
      await ensureCollection(db, name);
      if (indexes.length) await db.collection(name).createIndexes(indexes);
    }
  },

  async down(db) {
    for (const [name, indexes] of Object.entries(collections)) {
      for (const index of indexes) {
        await db.collection(name).dropIndex(index.name).catch(() => undefined);
      }
    }
  },
};
