import type { Provider } from '@nestjs/common';
import { Logger } from '@nestjs/common';
import { getConnectionToken } from '@nestjs/mongoose';
import type { Db } from 'mongodb';
import type { Connection } from 'mongoose';
import { StatusEventLog } from '../../status-events';
import { LEDGER_ENTRIES_COLLECTION, LedgerRepository, type LedgerEntry } from '../../wallet';
import { FerretDbLedgerReader, HeadHints } from './ferretdb-ledger.reader';
import { LedgerReader, TransferSuccesses } from './ledger-reader';
import { MongoLedgerReader } from './mongo-ledger.reader';

/** The wallet module's collection (named by its public surface), read by the reports and never written. */
export const LEDGER_ENTRIES = LEDGER_ENTRIES_COLLECTION;

/** True when the server is FerretDB: its `buildInfo` carries `ferretdbVersion` (MongoDB's does not). */
export async function servedByFerretDb(db: Db): Promise<boolean> {
  const info = await db.admin().command({ buildInfo: 1 });
  return typeof info.ferretdbVersion === 'string';
}

/** The adapter for the server behind `db`, asked once. */
export async function ledgerReaderFor(db: Db, hints: HeadHints, successes: TransferSuccesses): Promise<LedgerReader> {
  const entries = db.collection<LedgerEntry>(LEDGER_ENTRIES);
  return (await servedByFerretDb(db)) ? new FerretDbLedgerReader(entries, hints, successes) : new MongoLedgerReader(entries, successes);
}

/**
 * `LedgerReader` for the reports module: the adapter that fits the server, chosen once when the
 * module starts (the connection is open by then). The FerretDB adapter starts looking for a head it
 * has not seen from the ledger's stored hint, through the repository's read of it (nothing else of
 * the repository is used). Both show transfers' successes from the status-event log (`TransferSuccesses`).
 */
export const ledgerReaderProvider: Provider = {
  provide: LedgerReader,
  inject: [getConnectionToken(), LedgerRepository, StatusEventLog],
  useFactory: async (connection: Connection, ledger: LedgerRepository, statusEvents: StatusEventLog) => {
    const hints: HeadHints = { readHeadHint: (walletId) => ledger.readHeadHint(walletId) };
    const successes: TransferSuccesses = { transferSuccessesOnPage: (pageKey) => statusEvents.transferSuccessesOnPage(pageKey) };
    const reader = await ledgerReaderFor(connection.db!, hints, successes);
    new Logger('ReportsModule').log(`ledger reads through ${reader.constructor.name}`);
    return reader;
  },
};
