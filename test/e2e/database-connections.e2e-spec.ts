import { randomUUID } from 'node:crypto';
import { MongoClient } from 'mongodb';
import { describeWithDatabase } from '../support/modes';

/**
 * The local database (FerretDB 1.24 on PostgreSQL, built by scripts/lib/ferretdb.sh) must answer the
 * write shapes the service sends under load. FerretDB reads an update's matches through one PostgreSQL
 * connection and writes them through another; unpatched, it keeps each statement's read open until the
 * whole command ends. One `bulkWrite` of 50 or more matching updates (the shape of the service's grouped
 * status writes: up to 64 per command) or 50 concurrent updates then wait forever for a connection from
 * its pool of 50, and FerretDB answers nothing more, to anyone.
 * scripts/lib/ferretdb-1.24-release-reads.patch closes the read before the write.
 */
const POOL = 50; // FerretDB's default pool_max_conns for its PostgreSQL connections
const WITHIN_MS = 30_000;

function within<T>(what: string, work: Promise<T>): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const late = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`${what}: no answer within ${WITHIN_MS} ms (the database waits for a connection)`)), WITHIN_MS);
  });
  return Promise.race([work, late]).finally(() => clearTimeout(timer));
}

describeWithDatabase('the local database answers writes that need more connections than its pool holds', () => {
  let client: MongoClient;
  const dbName = `dompet_e2e_connections_${randomUUID().slice(0, 8)}`;

  beforeAll(async () => {
    const uri = process.env.MONGODB_URI;
    if (!uri) throw new Error('MONGODB_URI is not set: run this suite through `npm test`, which owns the servers.');
    // One driver connection per concurrent operation, so that they all reach the database at once.
    client = await MongoClient.connect(uri, { maxPoolSize: 4 * POOL });
  });

  afterAll(async () => {
    if (!client) return;
    await within('dropDatabase', client.db(dbName).dropDatabase()).catch(() => undefined);
    await client.close(true);
  }, 2 * WITHIN_MS);

  it(`one bulkWrite of ${2 * POOL + 20} matching updateOne statements is applied and answered`, async () => {
    const docs = client.db(dbName).collection<{ _id: number; n: number }>('bulk');
    const count = 2 * POOL + 20;
    await docs.insertMany(Array.from({ length: count }, (_, i) => ({ _id: i, n: 0 })));

    const res = await within(
      'bulkWrite',
      docs.bulkWrite(
        Array.from({ length: count }, (_, i) => ({ updateOne: { filter: { _id: i }, update: { $inc: { n: 1 } } } })),
        { ordered: false },
      ),
    );

    expect(res.matchedCount).toBe(count);
    expect(res.modifiedCount).toBe(count);
    expect(await docs.countDocuments({ n: 1 })).toBe(count);
  });

  it(`${3 * POOL} concurrent updateOne, findOneAndUpdate and findOneAndDelete calls are each applied once and answered`, async () => {
    const docs = client.db(dbName).collection<{ _id: number; n: number }>('concurrent');
    const each = POOL;
    await docs.insertMany(Array.from({ length: 3 * each }, (_, i) => ({ _id: i, n: 0 })));

    const results = await within(
      'concurrent updates',
      Promise.all([
        ...Array.from({ length: each }, (_, i) => docs.updateOne({ _id: i }, { $inc: { n: 1 } }).then((r) => r.modifiedCount)),
        ...Array.from({ length: each }, (_, i) =>
          docs.findOneAndUpdate({ _id: each + i }, { $inc: { n: 1 } }).then((r) => (r ? 1 : 0)),
        ),
        ...Array.from({ length: each }, (_, i) => docs.findOneAndDelete({ _id: 2 * each + i }).then((r) => (r ? 1 : 0))),
      ]),
    );

    expect(results).toEqual(Array.from({ length: 3 * each }, () => 1));
    expect(await docs.countDocuments({ n: 1 })).toBe(2 * each);
    expect(await docs.countDocuments({})).toBe(2 * each);
  });
});
