/**
 * The last filled slot of a gapless sequence (slots 1, 2, 3, … claimed in order, never removed), found
 * from a known lower bound by galloping (`read` of +1, +1, +2, +4, … from the last slot found) until a
 * slot is empty, then bisecting between the last slot found and that one: one read past a bound that is
 * still the end, O(log n) reads when the end is n slots further on.
 *
 * `from` is a slot known to be filled (or 0 with a null value: nothing known); returns the last slot
 * and what `read` gave for it (`from`'s value when nothing further is filled).
 */
export async function lastSlot<T>(from: { n: number; value: T | null }, read: (n: number) => Promise<T | null>): Promise<{ n: number; value: T | null }> {
  let last = from;
  let step = 1;
  let found = 0;
  let missing = Infinity;
  while (missing - last.n > 1) {
    const probe = Math.min(last.n + step, missing - 1);
    const value = await read(probe);
    if (value !== null) {
      last = { n: probe, value };
      if (missing === Infinity && ++found > 1) step *= 2;
    } else {
      missing = probe;
    }
    if (missing !== Infinity) step = Math.max(1, Math.floor((missing - last.n) / 2));
  }
  return last;
}
