// The shape most migrations share: create collections that do not exist yet, then their indexes
// (`up`), and drop those indexes again (`down`). migrate-mongo only runs the `.js` files directly in
// migrations/, so this folder is never taken for a migration.

async function ensureCollection(db, name) {
  const existing = await db.listCollections({ name }, { nameOnly: true }).toArray();
  if (existing.length === 0) await db.createCollection(name);
}

/** `{up, down}` for `collections`: `{ <collection name>: [<index specification>, …] }`. */
function collectionsMigration(collections) {
  return {
    async up(db) {
      for (const [name, indexes] of Object.entries(collections)) {
        await ensureCollection(db, name);
        if (indexes.length) await db.collection(name).createIndexes(indexes);
      }
    },

    async down(db) {
      for (const [name, indexes] of Object.entries(collections)) {
        for (const index of indexes) await db.collection(name).dropIndex(index.name).catch(() => undefined);
      }
    },
  };
}

module.exports = { collectionsMigration };
