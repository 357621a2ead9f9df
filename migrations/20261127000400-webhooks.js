// Webhooks (issue 16, docs/webhooks.md): `webhook_endpoints` (registered by administrators),
// `webhook_deliveries` (`_id` = `<webhook_id>:<event_id>`: one per event and endpoint, claimed by insert),
// `webhook_attempts` (the delivery log, read per endpoint newest first, or per delivery to count attempts)
// and `webhook_cursors` (`_id` = user id: how far the dispatcher has read each wallet's events).

const { collectionsMigration } = require('./lib/collections');

const collections = {
  webhook_endpoints: [],
  webhook_deliveries: [],
  webhook_attempts: [
    { key: { endpoint_id: 1, _id: -1 }, name: 'endpoint_newest' },
    { key: { delivery_id: 1 }, name: 'delivery' },
  ],
  webhook_cursors: [],
};

module.exports = collectionsMigration(collections);
