// Status events (docs/events.md): `status_events`, a per-user sequence of events that are not entries
// of the user's wallet (`transfer.succeeded` for the sender, `wallet.frozen`, `wallet.unfrozen`).
// `_id` = `<user_id>:<n, 12 digits>`; `key` (unique) is derived from the change, so one insert claims
// both the slot and the change. `user_last` finds a user's last slot.
// `wallet_status_changes`: markers of wallet status changes under way (`_id` = the change's event key),
// which the recovery sweep completes after a crash (a small collection, read by `created_at`).

async function ensureCollection(db, name) {
  const existing = await db.listCollections({ name }, { nameOnly: true }).toArray();
  if (existing.length === 0) await db.createCollection(name);
}

const indexes = [
  { key: { key: 1 }, name: 'key_unique', unique: true },
  { key: { user_id: 1, n: -1 }, name: 'user_last' },
];

module.exports = {
  async up(db) {
    await ensureCollection(db, 'status_events');
    await db.collection('status_events').createIndexes(indexes);
    await ensureCollection(db, 'wallet_status_changes');
  },

  async down(db) {
    for (const index of indexes) await db.collection('status_events').dropIndex(index.name).catch(() => undefined);
  },
};
