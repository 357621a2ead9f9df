// Payment holds (issue 17, docs/ledger.md "Holds"): `holds` (one per hold, `_id` = hold_id) and
// `hold_outcomes` (`_id` = hold_id: the one decision about its money, claimed by an insert).
// Indexes: a user's holds newest first (GET /holds), and the recovery sweep's unsettled due holds.

const { collectionsMigration } = require('./lib/collections');

const collections = {
  holds: [
    { key: { user_id: 1, _id: -1 }, name: 'user_newest' },
    { key: { settled: 1, due_at: 1 }, name: 'settled_due' },
  ],
  hold_outcomes: [],
};

module.exports = collectionsMigration(collections);
