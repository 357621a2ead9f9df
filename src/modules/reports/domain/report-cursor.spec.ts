import { InvalidCursorError, ReportCursorCodec } from './report-cursor';

describe('ReportCursorCodec', () => {
  const codec = new ReportCursorCodec('a-secret-of-at-least-thirty-two-characters');

  it('round-trips a position for the same selection', () => {
    const cursor = codec.encode({ beforeSeq: 501, lowestSeq: 17 }, 'wallet|*|*');
    expect(cursor).toMatch(/^[A-Za-z0-9_-]+\.[A-Za-z0-9_-]{22}$/);
    expect(codec.decode(cursor, 'wallet|*|*')).toEqual({ beforeSeq: 501, lowestSeq: 17 });
  });

  it('refuses a cursor issued for another selection or by another key', () => {
    const cursor = codec.encode({ beforeSeq: 10, lowestSeq: 1 }, 'wallet-a|*');
    expect(() => codec.decode(cursor, 'wallet-b|*')).toThrow(InvalidCursorError);
    expect(() => new ReportCursorCodec('another-secret-of-thirty-two-characters!').decode(cursor, 'wallet-a|*')).toThrow(InvalidCursorError);
  });

  it('refuses any edit of the body or the signature', () => {
    const cursor = codec.encode({ beforeSeq: 10, lowestSeq: 1 }, 's');
    const [body, mac] = cursor.split('.');
    const forged = Buffer.from(JSON.stringify({ v: 1, b: 9999, l: 1 })).toString('base64url');
    for (const bad of [`${forged}.${mac}`, `${body}.${mac.slice(1)}A`, `${body}A.${mac}`, body, `${cursor}.`, '', '...', 'é.é']) {
      expect(() => codec.decode(bad, 's')).toThrow(InvalidCursorError);
    }
  });

  it('refuses a well-signed body that is not a position', () => {
    const sign = (payload: unknown) => {
      const body = Buffer.from(JSON.stringify(payload)).toString('base64url');
      const [, mac] = codec.encode({ beforeSeq: 2, lowestSeq: 1 }, 's').split('.');
      // Re-sign through the codec's own method to get a valid signature for an arbitrary body.
      return `${body}.${(codec as unknown as { sign(b: string, s: string): string }).sign(body, 's') ?? mac}`;
    };
    for (const payload of [{ v: 2, b: 5, l: 1 }, { v: 1, b: 5, l: 0 }, { v: 1, b: 1, l: 1 }, { v: 1, b: 1.5, l: 1 }, { v: 1, b: '5', l: 1 }, [1, 2]]) {
      expect(() => codec.decode(sign(payload), 's')).toThrow(InvalidCursorError);
    }
  });
});
