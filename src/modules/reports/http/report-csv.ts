import { Options, stringify } from 'csv-stringify/sync';
import { Transform, TransformCallback } from 'node:stream';
import { REPORT_COLUMNS } from '../domain/report-row';

/**
 * Text cells that a spreadsheet would evaluate (starting with `=`, `+`, `-`, `@`, a tab or a carriage
 * return) are prefixed with `'`, so that it shows them as text (formula injection). Numbers are
 * written as they are (amounts and balances are never negative).
 */
const FORMULA_START = /^[=+\-@\t\r]/;

/** `csv-stringify`'s options for the export (RFC 4180; see `ReportCsv`). */
const CSV_OPTIONS: Options = {
  columns: [...REPORT_COLUMNS],
  delimiter: ',',
  quote: '"',
  escape: '"',
  record_delimiter: '\r\n',
  quote_record_delimiter: true, // also quote a cell holding a lone CR or LF
  cast: {
    string: (value) => (FORMULA_START.test(value) ? `'${value}` : value),
    boolean: (value) => String(value),
  },
};

/**
 * The export's CSV (RFC 4180): a header of `REPORT_COLUMNS`, then one record per array of cells in
 * that order (null and undefined are empty cells; arrays rather than objects spare the library a
 * lookup by key per cell), CRLF after every record, cells holding `"`, `,`, CR or LF quoted with their
 * quotes doubled, `true` written as `true`. Takes batches of records (an array of them, such as a
 * block of the ledger) and gives one string per batch: the streams carry a thousand batches for an
 * export of 100,000 rows rather than 100,000 records (`csv-stringify`'s sync API on each batch).
 */
export class ReportCsv extends Transform {
  private header = true;

  constructor() {
    super({ writableObjectMode: true, readableObjectMode: true });
  }

  override _transform(records: unknown[][], _encoding: BufferEncoding, done: TransformCallback): void {
    try {
      this.push(stringify(records, { ...CSV_OPTIONS, header: this.header }));
      this.header = false;
      done();
    } catch (err) {
      done(err as Error);
    }
  }

  override _flush(done: TransformCallback): void {
    if (this.header) this.push(stringify([], { ...CSV_OPTIONS, header: true }));
    done();
  }
}

/**
 * Gathers the CSV text (one string per record) into chunks of at least `size` characters (the last one
 * shorter), so that the response is written in few large writes rather than one per record.
 */
export class Coalesce extends Transform {
  private text = '';

  constructor(private readonly size: number) {
    super({ writableObjectMode: true });
  }

  override _transform(record: string, _encoding: BufferEncoding, done: TransformCallback): void {
    this.text += record;
    if (this.text.length >= this.size) this.release();
    done();
  }

  override _flush(done: TransformCallback): void {
    if (this.text) this.release();
    done();
  }

  private release(): void {
    this.push(this.text);
    this.text = '';
  }
}
