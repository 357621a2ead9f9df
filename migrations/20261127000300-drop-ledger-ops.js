// `ledger_ops` (op id → entry id) is no longer written or read: an operation's entry is found through
// the unique `op_id` index of `ledger_entries`, which already holds the same fact (docs/ledger.md
// "Exactly once"). Dropping it removes derived data only; `down` recreates the empty collection.

module.exports = {
  async up(db) {
    const existing = await db.listCollections({ name: 'ledger_ops' }, { nameOnly: true }).toArray();
    if (existing.length) await db.collection('ledger_ops').drop();
  },

  async down(db) {
    const existing = await db.listCollections({ name: 'ledger_ops' }, { nameOnly: true }).toArray();
    if (!existing.length) await db.createCollection('ledger_ops');
  },
};
