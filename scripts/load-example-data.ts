// Loads example_data/*.json into MONGODB_URI / MONGODB_DB (default `dompet`): `npm run seed`.
// Idempotent: documents are inserted by `_id` and existing ones are left alone, so it can run at every start.
import { BSON, MongoClient } from 'mongodb';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';

async function main(): Promise<number> {
  const uri = process.env.MONGODB_URI;
  if (!uri) {
    process.stderr.write('MONGODB_URI is not set (start the local servers with `npm run services -- start` and `source .local/env`).\n');
    return 78;
  }
  const dbName = process.env.MONGODB_DB ?? 'dompet';
  const dir = join(__dirname, '..', 'example_data');
  const client = await MongoClient.connect(uri, { serverSelectionTimeoutMS: 5000 });
  try {
    const db = client.db(dbName);
    let inserted = 0;
    let kept = 0;
    for (const file of readdirSync(dir).filter((f) => f.endsWith('.json')).sort()) {
      const docs = BSON.EJSON.parse(readFileSync(join(dir, file), 'utf8')) as Array<{ _id: string }>;
      const collection = db.collection(file.replace(/\.json$/, ''));
      for (const doc of docs) {
        try {
          await collection.insertOne(doc as never);
          inserted++;
        } catch (err) {
          if ((err as { code?: number }).code !== 11000) throw err;
          kept++;
        }
      }
    }
    process.stdout.write(`example data in ${dbName}: ${inserted} inserted, ${kept} already present\n`);
    return 0;
  } finally {
    await client.close();
  }
}

main().then(
  (code) => process.exit(code),
  (err: Error) => {
    process.stderr.write(`seed failed: ${err.message}\n`);
    process.exit(2);
  },
);
