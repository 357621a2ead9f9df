// `page_key` on every ledger entry: `<wallet_id>:<page, 10 digits>` with page = floor((seq - 1) / 100),
// i.e. the block of 100 consecutive entries the entry belongs to (`pageKeyOf` in
// src/modules/wallet/domain/ledger-entry.ts; the ledger writes it at insert). A non-unique index on it
// makes one block one equality read: on FerretDB (postgresql handler, with the GIN companions of
// scripts/services.sh) equality is the only filter served by an index, so plain report pages read the
// blocks covering their seq window (docs/reports.md).
//
// Backfill, wallet by wallet: the wallet ids (one `$group` pass), then per wallet its entries'
// `{_id, seq, page_key}` (`{wallet_id}`: an index lookup on MongoDB and, through the GIN companion, on
// FerretDB), then `page_key` written in batches wherever it is missing or wrong. No cursor stays open
// while writing, and each `bulkWrite` holds few updates: on FerretDB 1.24 (postgresql handler) a command
// of 1,000 updates stalled for good with 50 PostgreSQL connections open and idle (its pool, apparently
// one connection per update), while batches of 20 left 21 connections and completed.
// Idempotent: a second run writes nothing. Each update sets only `page_key`, so on MongoDB it cannot
// disturb a concurrent status change; on FerretDB an update rewrites the whole document, so run it
// there (local/CI) before the service starts, as usual.

const PAGE_KEY_SIZE = 100; // PAGE_KEY_SIZE in src/modules/wallet/domain/ledger-entry.ts: never change it
const PAGE_KEY_DIGITS = 10;
const BATCH = 20; // updates per bulkWrite: well under FerretDB's pool of 50 connections (see above)

const pageKeyOf = (walletId, seq) => `${walletId}:${String(Math.floor((seq - 1) / PAGE_KEY_SIZE)).padStart(PAGE_KEY_DIGITS, '0')}`;

module.exports = {
  async up(db) {
    const entries = db.collection('ledger_entries');
    const wallets = (await entries.aggregate([{ $group: { _id: '$wallet_id' } }]).toArray()).map((w) => w._id);
    for (const walletId of wallets) {
      const stale = (await entries.find({ wallet_id: walletId }, { projection: { _id: 1, seq: 1, page_key: 1 } }).toArray()).filter(
        (e) => e.page_key !== pageKeyOf(walletId, e.seq),
      );
      for (let i = 0; i < stale.length; i += BATCH) {
        const batch = stale.slice(i, i + BATCH).map((e) => ({ updateOne: { filter: { _id: e._id }, update: { $set: { page_key: pageKeyOf(walletId, e.seq) } } } }));
        await entries.bulkWrite(batch, { ordered: false });
      }
    }
    await entries.createIndexes([{ key: { page_key: 1 }, name: 'page_key' }]);
  },

  async down(db) {
    // The field stays (harmless; `up` rewrites it only where it is wrong).
    await db.collection('ledger_entries').dropIndex('page_key').catch(() => undefined);
  },
};
