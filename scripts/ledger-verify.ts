// Recomputes every wallet from its ledger and exits non-zero on any mismatch: `npm run ledger:verify`.
// Reads MONGODB_URI and MONGODB_DB (default `dompet`); `--db NAME` checks another database. Balances
// are checked against MAX_BALANCE as the service reads it (the typed config, its default when unset).
import { MongoClient } from 'mongodb';
import { AppConfig } from '../src/config/app-config';
import { verifyLedger } from '../src/modules/reconciliation';

async function main(): Promise<number> {
  const uri = process.env.MONGODB_URI;
  if (!uri) {
    process.stderr.write('MONGODB_URI is not set (start the local servers with `npm run services -- start` and `source .local/env`).\n');
    return 78;
  }
  const i = process.argv.indexOf('--db');
  const dbName = i > 0 ? process.argv[i + 1] : (process.env.MONGODB_DB ?? 'dompet');
  // The verifier never connects to Redis; the typed config just requires its URL.
  const { maxBalance } = AppConfig.fromEnv({ REDIS_URL: 'redis://127.0.0.1:6379', ...process.env });
  const client = await MongoClient.connect(uri, { serverSelectionTimeoutMS: 5000 });
  try {
    const started = Date.now();
    const r = await verifyLedger(client.db(dbName), { maxBalance });
    process.stdout.write(
      `ledger:verify ${dbName}: ${r.wallets} wallets, ${r.entries} entries, total balance ${r.totalBalance}, in flight ${r.inFlight}, maximum balance ${maxBalance}, ` +
        `${r.problems.length} problem(s) in ${Date.now() - started} ms\n`,
    );
    for (const p of r.problems) process.stdout.write(`  - ${p}\n`);
    return r.problems.length ? 1 : 0;
  } finally {
    await client.close();
  }
}

main().then(
  (code) => process.exit(code),
  (err: Error) => {
    process.stderr.write(`ledger:verify failed: ${err.message}\n`);
    process.exit(2);
  },
);
