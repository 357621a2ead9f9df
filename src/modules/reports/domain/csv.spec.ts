import { csvCell, csvLine } from './csv';

describe('csv', () => {
  it('writes plain cells as they are and empty cells for null/undefined', () => {
    expect(csvLine(['a', 12, '', null, undefined, true])).toBe('a,12,,,,true\r\n');
  });

  it('quotes cells holding a quote, a comma or a line break, doubling quotes', () => {
    expect(csvCell('Nasi goreng, "pedas"')).toBe('"Nasi goreng, ""pedas"""');
    expect(csvCell('one\ntwo')).toBe('"one\ntwo"');
    expect(csvCell('one\r\ntwo')).toBe('"one\r\ntwo"');
  });

  it.each(['=1+2', '+62811', '-5', '@SUM(A1)', '\tx', '\rx'])('defuses a text cell starting like a formula: %j', (text) => {
    const cell = csvCell(text);
    expect(cell.replace(/^"/, '').startsWith("'")).toBe(true);
  });

  it('keeps numbers (never negative here) and harmless text untouched', () => {
    expect(csvCell(100000)).toBe('100000');
    expect(csvCell('Pulsa 100k')).toBe('Pulsa 100k');
    expect(csvCell('=HYPERLINK("x")')).toBe('"\'=HYPERLINK(""x"")"');
  });
});
