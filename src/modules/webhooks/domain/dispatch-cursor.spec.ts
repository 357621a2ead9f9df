import { readAfter, seqOfCursor, START_CURSOR } from './dispatch-cursor';

describe('webhook dispatch cursor', () => {
  it('is the text of the last event id; its ledger seq is the part before the dot', () => {
    expect(seqOfCursor(START_CURSOR)).toBe(0);
    expect(seqOfCursor('7')).toBe(7);
    expect(seqOfCursor('7.2')).toBe(7);
    expect(seqOfCursor('garbage')).toBe(0);
    expect(readAfter('12')).toEqual({ seq: 12, n: 0 });
    expect(readAfter('12.3')).toEqual({ seq: 12, n: 3 });
    expect(readAfter(START_CURSOR)).toEqual({ seq: 0, n: 0 });
  });
});
