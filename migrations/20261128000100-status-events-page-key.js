// `page_key` on `transfer.succeeded` status events: the `page_key` of the sender's debit entry (the
// ledger block of 100 entries it belongs to). A transfer's debit entry is no longer rewritten when the
// transfer succeeds: its success is this event, and a report reads the successes of a block with one
// indexed equality read on this field (docs/ledger.md, "Where a transfer's status lives").
// Events recorded before have no `page_key`; their debit entries carry their SUCCESS themselves.

const { collectionsMigration } = require('./lib/collections');

module.exports = collectionsMigration({
  status_events: [{ key: { page_key: 1 }, name: 'page_key' }],
});
