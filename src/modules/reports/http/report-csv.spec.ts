import { pipeline, Readable } from 'node:stream';
import { REPORT_COLUMNS } from '../domain/report-row';
import { Coalesce, ReportCsv } from './report-csv';

/** The export's bytes as the hand-written writer made them before `csv-stringify` (the reference). */
function reference(rows: Array<Record<string, unknown>>): string {
  const cell = (value: unknown) => {
    if (value === null || value === undefined) return '';
    if (typeof value === 'number' || typeof value === 'boolean') return String(value);
    let text = String(value);
    if (/^[=+\-@\t\r]/.test(text)) text = `'${text}`;
    return /[",\r\n]/.test(text) ? `"${text.replace(/"/g, '""')}"` : text;
  };
  const line = (values: readonly unknown[]) => `${values.map(cell).join(',')}\r\n`;
  return line(REPORT_COLUMNS) + rows.map((row) => line(REPORT_COLUMNS.map((c) => row[c]))).join('');
}

/** The CSV of `rows`, handed to the writer in batches of `batch` records. */
async function csvOf(rows: Array<Record<string, unknown>>, chunk = 64 * 1024, batch = 3): Promise<{ text: string; chunks: number }> {
  const cells = rows.map((row) => REPORT_COLUMNS.map((column) => row[column]));
  const batches = Array.from({ length: Math.ceil(cells.length / batch) }, (_, i) => cells.slice(i * batch, (i + 1) * batch));
  const out = pipeline(Readable.from(batches), new ReportCsv(), new Coalesce(chunk), () => undefined);
  const parts: Buffer[] = [];
  for await (const part of out) parts.push(part as Buffer);
  return { text: Buffer.concat(parts).toString('utf8'), chunks: parts.length };
}

const row = (remarks: unknown, extra: Record<string, unknown> = {}) => ({
  payment_id: 'p-1',
  status: 'SUCCESS',
  user_id: 'u-1',
  transaction_type: 'DEBIT',
  amount: 100000,
  remarks,
  balance_before: 500000,
  balance_after: 400000,
  created_date: '2021-04-01 22:22:00',
  ...extra,
});

describe('report CSV', () => {
  it('writes the header alone for an export without rows', async () => {
    expect((await csvOf([])).text).toBe(`${REPORT_COLUMNS.join(',')}\r\n`);
  });

  it('quotes cells holding a quote, a comma or a line break, doubling quotes; empty cells for missing keys and null', async () => {
    const rows = [row('Nasi goreng, "pedas"'), row('one\ntwo'), row('one\r\ntwo'), row('', { counterparty_user_id: null, reversal: true }), row('Pulsa 100k')];
    const { text } = await csvOf(rows);
    expect(text).toBe(reference(rows));
    expect(text).toContain(',"Nasi goreng, ""pedas""",');
    expect(text).toContain(',,true\r\n');
  });

  it.each(['=1+2', '+62811', '-5', '@SUM(A1)', '\tx', '\rx', '=HYPERLINK("x")'])('defuses a text cell starting like a formula: %j', async (text) => {
    const rows = [row(text)];
    expect((await csvOf(rows)).text).toBe(reference(rows));
    expect((await csvOf(rows)).text).toContain(`'${text.replace(/"/g, '""')}`);
  });

  it('writes the same bytes as the reference for assorted text, in chunks of the size asked', async () => {
    const alphabet = ['a', 'Z', ' ', ',', '"', '\r', '\n', '=', '+', '-', '@', '\t', "'", 'é', '日', '\uFF1D'];
    let seed = 7; // mulberry32
    const next = () => {
      seed = (seed + 0x6d2b79f5) | 0;
      let z = Math.imul(seed ^ (seed >>> 15), 1 | seed);
      z = (z + Math.imul(z ^ (z >>> 7), 61 | z)) ^ z;
      return (z ^ (z >>> 14)) >>> 0;
    };
    const rows = Array.from({ length: 2000 }, (_, i) =>
      row(Array.from({ length: next() % 12 }, () => alphabet[next() % alphabet.length]).join(''), i % 3 === 0 ? { transfer_id: `t-${i}`, counterparty_user_id: i % 2 ? 'u-2' : null } : {}),
    );
    for (const batch of [1, 7, 100]) {
      const { text, chunks } = await csvOf(rows, 16 * 1024, batch);
      expect(text).toBe(reference(rows));
      expect(chunks).toBeGreaterThan(1);
    }
    expect((await csvOf(rows, 16 * 1024, rows.length)).text).toBe(reference(rows));
  });
});
