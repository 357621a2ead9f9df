// Creates every collection of the service with its indexes.
// Hot reads are `_id` lookups by design (see docs/ledger.md); secondary indexes serve uniqueness
// (atomic on MongoDB and FerretDB alike) and the admin/maintenance queries.

const { collectionsMigration } = require('./lib/collections');

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

module.exports = collectionsMigration(collections);
