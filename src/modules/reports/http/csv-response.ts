import { Logger } from '@nestjs/common';
import type { Response } from 'express';
import { pipeline, Readable } from 'node:stream';
import { pipeline as pipelineAsync } from 'node:stream/promises';
import type { CsvExport } from '../queries/export-transactions/export-transactions.query';
import { Coalesce, ReportCsv } from './report-csv';

/** Characters of CSV gathered before they are handed to the response. */
export const CSV_CHUNK_CHARS = 64 * 1024;

const logger = new Logger('CsvExport');

/**
 * Streams a CSV export to the client: rows → `csv-stringify` → chunks of about `CSV_CHUNK_CHARS` →
 * the response, through `stream.pipeline`, which reads the next rows only as fast as the client takes
 * the bytes (back-pressure) and, when the client goes away, stops and closes the database read.
 *
 * Nothing is sent until a second chunk exists: a failure in the first ~64 KB is rethrown, and the
 * usual JSON error answers it; an export of a single chunk is answered whole, with a Content-Length.
 * A failure after that aborts the connection, so a truncated file is never taken for a complete one.
 */
export async function sendCsv(res: Response, file: CsvExport): Promise<void> {
  const csv = pipeline(Readable.from(file.batches), new ReportCsv(), new Coalesce(CSV_CHUNK_CHARS), () => undefined); // a failure surfaces in `chunks`
  const chunks = csv[Symbol.asyncIterator]() as AsyncIterator<Buffer>; // `Coalesce`'s text, as bytes
  const first = await chunks.next();
  const second = first.done ? first : await chunks.next();
  if (res.destroyed) {
    csv.destroy();
    return;
  }
  res.status(200);
  res.setHeader('Content-Type', 'text/csv; charset=utf-8');
  res.setHeader('Content-Disposition', `attachment; filename="${file.filename}"`);
  res.setHeader('Cache-Control', 'no-store');
  if (second.done) {
    res.end(first.done ? '' : first.value);
    return;
  }
  async function* all(): AsyncGenerator<Buffer> {
    yield first.value as Buffer;
    yield second.value as Buffer;
    yield* { [Symbol.asyncIterator]: () => chunks };
  }
  try {
    await pipelineAsync(Readable.from(all(), { objectMode: false }), res);
  } catch (err) {
    csv.destroy();
    if ((err as NodeJS.ErrnoException).code === 'ERR_STREAM_PREMATURE_CLOSE') return; // the client went away
    logger.error({ err }, 'CSV export failed after it started; connection aborted');
    res.destroy(err as Error);
  }
}
