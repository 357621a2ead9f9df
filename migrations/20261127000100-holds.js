// Payment holds (issue 17, docs/ledger.md "Holds"): `holds` (one per hold, `_id` = hold_id) and
// `hold_outcomes` (`_id` = hold_id: the one decision about its money, claimed by an insert).
// Indexes: a user's holds newest first (GET /holds), and the recovery sweep's unsettled due holds.

const collections = {
  holds: [
    { key: { user_id: 1, _id: -1 }, name: 'user_newest' },
    { key: { settled: 1, due_at: 1 }, name: 'settled_due' },
  ],
  hold_outcomes: [],
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
      for (const index of indexes) await db.collection(name).dropIndex(index.name).catch(() => undefined);
    }
  },
};
