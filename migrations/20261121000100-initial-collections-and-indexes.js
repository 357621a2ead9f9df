// Creates every collection of the service with its indexes.
// Hot reads are `_id` lookups by design (see docs/ledger.md); secondary indexes serve uniqueness
// (atomic on MongoDB and FerretDB alike) and the admin/maintenance queries.

const collections = {
  users: [{ key: { phone_number: 1 }, name: 'phone_number_unique', unique: true }],
  user_phones: [],
  wallets: [],
  ledger_entries: [
    { key: { op_id: 1 }, name: 'op_id_unique', unique: true },
    { key: { wallet_id: 1, seq: -1 }, name: 'wallet_seq' },
  ],
  ledger_ops: [],
  idempotency_keys: [{ key: { expires_at: 1 }, name: 'expires_at' }],
  transfers: [
    { key: { sender_id: 1, created_at: -1 }, name: 'sender_created' },
    { key: { receiver_id: 1, created_at: -1 }, name: 'receiver_created' },
  ],
  transfer_outcomes: [],
  pending_transfers: [{ key: { created_at: 1 }, name: 'created_at' }],
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
