import { Logger } from '@nestjs/common';
import type { Response } from 'express';
import { drained } from '../../../common/http/drained';
import type { CsvExport } from '../queries/export-transactions/export-transactions.query';

const CSV_HEADERS = ['Content-Type', 'Content-Disposition', 'Cache-Control'];
const logger = new Logger('CsvExport');

/**
 * Streams a CSV export to the client: each chunk (about 64 KB of whole lines) is written as the next
 * one is produced, waiting for `drain` when the client reads slower than the database. A client that goes
 * away stops the read (leaving the loop closes the database cursor). A failure before any byte was
 * sent is rethrown (the usual JSON error answers it); after that, the connection is aborted so a
 * truncated file is never mistaken for a complete one.
 */
export async function sendCsv(res: Response, file: CsvExport): Promise<void> {
  res.status(200);
  res.setHeader('Content-Type', 'text/csv; charset=utf-8');
  res.setHeader('Content-Disposition', `attachment; filename="${file.filename}"`);
  res.setHeader('Cache-Control', 'no-store');
  // One chunk is held back until the next one exists, so the last goes out with `end`: an export of
  // a single chunk is answered whole, with a Content-Length.
  let held: string | null = null;
  try {
    for await (const chunk of file.chunks) {
      if (res.destroyed) return;
      if (held !== null && !res.write(held)) await drained(res);
      held = chunk;
    }
    if (!res.destroyed) res.end(held ?? '');
  } catch (err) {
    if (!res.headersSent) {
      for (const header of CSV_HEADERS) res.removeHeader(header);
      throw err;
    }
    logger.error({ err }, 'CSV export failed after it started; connection aborted');
    res.destroy(err as Error);
  }
}
