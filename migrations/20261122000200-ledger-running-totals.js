// `running` on every ledger entry: the sums over the wallet's entries 1…seq, this one included, as
// `[credit, debit, TOP_UP, PAYMENT, TRANSFER_OUT, TRANSFER_IN, TRANSFER_REFUND]` (amounts, then counts;
// `StoredTotals` in src/modules/wallet/domain/ledger-entry.ts; the ledger writes it at insert, from
// the previous entry's). A period summary is then the difference of two entries' totals (three `_id`
// reads) instead of a read of the whole period (docs/reports.md).
//
// Backfill, wallet by wallet, as migration 20261122000100 does for `page_key`: the wallet ids (one
// `$group` pass), then per wallet its entries' `{seq, entry_type, transaction_type, amount, running}`
// (`{wallet_id}`: an index lookup), the totals computed in seq order and written in batches of 20
// wherever they are missing or wrong. Idempotent: a second run writes nothing. A wallet whose chain has
// a gap (it never should: the verifier reports it) keeps its entries from the gap on without totals,
// and its summaries sum the entries instead. Each update sets only `running`; on FerretDB an update
// rewrites the whole document, so run it there (local/CI) before the service starts, as usual.

const BATCH = 20; // updates per bulkWrite: see migration 20261122000100 (FerretDB's connection pool)
// The order of StoredTotals. HOLD and HOLD_RELEASE were appended with holds (2026-11-27): arrays
// written before them have 7 numbers, which the service reads with 0 holds, so `same` pads them.
const TYPES = ['TOP_UP', 'PAYMENT', 'TRANSFER_OUT', 'TRANSFER_IN', 'TRANSFER_REFUND', 'HOLD', 'HOLD_RELEASE'];

const same = (a, b) => Array.isArray(a) && (a.length === b.length || a.length === 7) && b.every((n, i) => n === (a[i] ?? 0));

module.exports = {
  async up(db) {
    const entries = db.collection('ledger_entries');
    const wallets = (await entries.aggregate([{ $group: { _id: '$wallet_id' } }]).toArray()).map((w) => w._id);
    for (const walletId of wallets) {
      const chain = (
        await entries.find({ wallet_id: walletId }, { projection: { _id: 1, seq: 1, entry_type: 1, transaction_type: 1, amount: 1, running: 1 } }).toArray()
      ).sort((a, b) => a.seq - b.seq);
      let running = [0, 0, ...TYPES.map(() => 0)];
      const updates = [];
      for (const [i, e] of chain.entries()) {
        if (e.seq !== i + 1) break;
        running = [...running];
        running[e.transaction_type === 'CREDIT' ? 0 : 1] += e.amount;
        running[2 + TYPES.indexOf(e.entry_type)] += 1;
        if (!same(e.running, running)) updates.push({ updateOne: { filter: { _id: e._id }, update: { $set: { running } } } });
      }
      for (let i = 0; i < updates.length; i += BATCH) await entries.bulkWrite(updates.slice(i, i + BATCH), { ordered: false });
    }
  },

  async down() {
    // The field stays (harmless: the ledger and the summary read it, `up` rewrites it where wrong).
  },
};
