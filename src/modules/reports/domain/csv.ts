/**
 * CSV cells per RFC 4180, with the spreadsheet formula-injection guard: a text cell that starts
 * with `=`, `+`, `-`, `@`, a tab or a carriage return is prefixed with `'` so that spreadsheet
 * programs show it as text instead of evaluating it. Numbers are written as they are.
 */
export function csvCell(value: unknown): string {
  if (value === null || value === undefined) return '';
  if (typeof value === 'number' || typeof value === 'boolean') return String(value);
  let text = String(value);
  if (/^[=+\-@\t\r]/.test(text)) text = `'${text}`;
  return /[",\r\n]/.test(text) ? `"${text.replace(/"/g, '""')}"` : text;
}

/** One CSV record terminated by CRLF (RFC 4180). */
export function csvLine(values: readonly unknown[]): string {
  return `${values.map(csvCell).join(',')}\r\n`;
}
