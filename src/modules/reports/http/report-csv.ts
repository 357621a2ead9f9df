import { stringify, Stringifier } from 'csv-stringify';
import { Transform, TransformCallback } from 'node:stream';
import { REPORT_COLUMNS } from '../domain/report-row';

/**
 * Text cells that a spreadsheet would evaluate (starting with `=`, `+`, `-`, `@`, a tab or a carriage
 * return) are prefixed with `'`, so that it shows them as text (formula injection). Numbers are
 * written as they are (amounts and balances are never negative).
 */
const FORMULA_START = /^[=+\-@\t\r]/;

/**
 * The export's CSV (RFC 4180): a header of `REPORT_COLUMNS`, then one record per array of cells in
 * that order (null and undefined are empty cells; arrays rather than objects spare the library a
 * lookup by key per cell), CRLF after every record, cells holding `"`, `,`, CR or LF quoted with their
 * quotes doubled, `true` written as `true`. Both sides in object mode: records in, one string per
 * record out (no conversion to a Buffer per record; `Coalesce` gathers them).
 */
export function reportCsv(): Stringifier {
  return stringify({
    readableObjectMode: true,
    header: true,
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
  });
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
