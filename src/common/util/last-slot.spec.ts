import { lastSlot } from './last-slot';

describe('lastSlot', () => {
  const sequence = (filled: number) => {
    const reads: number[] = [];
    const read = async (n: number) => {
      reads.push(n);
      return n >= 1 && n <= filled ? `slot ${n}` : null;
    };
    return { reads, read };
  };

  it('finds the end of a gapless sequence from any lower bound, with O(log n) reads', async () => {
    for (const [filled, from] of [[0, 0], [1, 0], [1, 1], [2, 1], [5, 5], [1000, 0], [1000, 990], [1037, 1000], [65536, 3]]) {
      const { reads, read } = sequence(filled);
      const last = await lastSlot({ n: from, value: from ? `slot ${from}` : null }, read);
      expect(last).toEqual({ n: filled, value: filled ? `slot ${filled}` : null });
      expect(reads.length).toBeLessThanOrEqual(2 * Math.ceil(Math.log2(filled - from + 2)) + 2);
    }
  });

  it('reads one slot when the bound is the end, two when the end moved by one', async () => {
    const still = sequence(10);
    await lastSlot({ n: 10, value: 'slot 10' }, still.read);
    expect(still.reads).toEqual([11]);
    const moved = sequence(11);
    await lastSlot({ n: 10, value: 'slot 10' }, moved.read);
    expect(moved.reads).toEqual([11, 12]);
  });
});
