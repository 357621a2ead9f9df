/**
 * Fault injection for the in-memory adapters. Every adapter call goes through `Faults.call(name, effect)`
 * (names like `ledger.post`, `store.recordPending`, `queue.enqueue`), which lets a test:
 *  - fail the Nth call of a method with an error, before its effect (nothing happened) or after it (the
 *    effect landed but its acknowledgement was lost, like a connection dropped after a write);
 *  - crash the process at the Nth call: the call never returns (before or after its effect), so the
 *    caller stops there for good, as if its process died; later actors are fresh handler instances;
 *  - run a hook at a call (change the world between two steps: freeze a receiver, top up a sender);
 *  - hold calls at a barrier until N callers have arrived (to force two executions to race).
 * Each call also yields to the event loop first, so concurrent executions interleave between steps.
 */
export class SimulatedFault extends Error {
  constructor(readonly point: string) {
    super(`simulated fault at ${point}`);
    this.name = 'SimulatedFault';
  }
}

type When = 'before' | 'after';
interface Rule {
  name: string;
  nth: number;
  when: When;
  kind: 'throw' | 'crash';
  match?: (args: unknown[]) => boolean;
  seen: number;
  fired: boolean;
}

const yieldNow = () => new Promise<void>((resolve) => setImmediate(resolve));

export class Faults {
  private readonly rules: Rule[] = [];
  private readonly hooks: { name: string; when: When; fn: (args: unknown[]) => void | Promise<void>; once: boolean; done: boolean }[] = [];
  private readonly barriers = new Map<string, { n: number; waiting: (() => void)[] }>();
  /** Calls per name, in order, and the crashes that fired (the point each caller stopped at). */
  readonly calls = new Map<string, number>();
  readonly crashes: string[] = [];
  /** Every call, in order (its name): a clean run's trace lists the steps a fault can be put between. */
  readonly trace: string[] = [];
  private crashWaiters: ((point: string) => void)[] = [];

  /** The `nth` call (1-based) of `name` throws; `after`: its effect is applied first (a lost acknowledgement). */
  failOn(name: string, nth = 1, when: When = 'before', match?: (args: unknown[]) => boolean): this {
    this.rules.push({ name, nth, when, kind: 'throw', match, seen: 0, fired: false });
    return this;
  }

  /** The `nth` call of `name` never returns (its process died there), before or after its effect. */
  crashOn(name: string, nth = 1, when: When = 'before', match?: (args: unknown[]) => boolean): this {
    this.rules.push({ name, nth, when, kind: 'crash', match, seen: 0, fired: false });
    return this;
  }

  /** Runs `fn` at every (or, with `once`, the first) call of `name`, before or after its effect. */
  on(name: string, fn: (args: unknown[]) => void | Promise<void>, when: When = 'before', once = true): this {
    this.hooks.push({ name, when, fn, once, done: false });
    return this;
  }

  /** The next `n` calls of `name` wait until all `n` have arrived, then go on together. */
  barrier(name: string, n: number): this {
    this.barriers.set(name, { n, waiting: [] });
    return this;
  }

  /** Resolves at the next crash (with its point): the caller racing it knows its process died. */
  whenCrashed(): Promise<string> {
    return new Promise((resolve) => this.crashWaiters.push(resolve));
  }

  /** The calls made since `from` (a length of `trace`), each with its rank among the calls of its name. */
  stepsSince(from: number): { name: string; nth: number }[] {
    const seen = new Map<string, number>();
    return this.trace.slice(from).map((name) => {
      seen.set(name, (seen.get(name) ?? 0) + 1);
      return { name, nth: seen.get(name)! };
    });
  }

  /** How many rules have fired (to check a scenario's fault did strike). */
  fired(): number {
    return this.rules.filter((r) => r.fired).length;
  }

  count(name: string): number {
    return this.calls.get(name) ?? 0;
  }

  /** Clears every rule, hook and barrier (the faults are over; the world goes on). */
  heal(): void {
    this.rules.length = 0;
    this.hooks.length = 0;
    this.barriers.clear();
  }

  async call<T>(name: string, args: unknown[], effect: () => T | Promise<T>): Promise<T> {
    await yieldNow();
    this.calls.set(name, this.count(name) + 1);
    this.trace.push(name);
    const barrier = this.barriers.get(name);
    if (barrier) {
      await new Promise<void>((resolve) => {
        barrier.waiting.push(resolve);
        if (barrier.waiting.length >= barrier.n) {
          this.barriers.delete(name);
          for (const release of barrier.waiting) release();
        }
      });
    }
    const fired = this.fire(name, args);
    await this.runHooks(name, 'before', args);
    if (fired?.when === 'before') return this.strike(fired, name);
    const result = await effect();
    await this.runHooks(name, 'after', args);
    if (fired?.when === 'after') return this.strike(fired, name);
    return result;
  }

  private fire(name: string, args: unknown[]): Rule | undefined {
    let hit: Rule | undefined;
    for (const r of this.rules) {
      if (r.name !== name || r.fired || (r.match && !r.match(args))) continue;
      if (++r.seen === r.nth && !hit) {
        r.fired = true;
        hit = r;
      }
    }
    return hit;
  }

  private strike(rule: Rule, name: string): never | Promise<never> {
    const point = `${name}#${rule.nth}:${rule.when}`;
    if (rule.kind === 'throw') throw new SimulatedFault(point);
    this.crashes.push(point);
    const waiters = this.crashWaiters;
    this.crashWaiters = [];
    for (const w of waiters) w(point);
    return new Promise<never>(() => undefined);
  }

  private async runHooks(name: string, when: When, args: unknown[]): Promise<void> {
    for (const h of this.hooks) {
      if (h.name !== name || h.when !== when || (h.once && h.done)) continue;
      h.done = true;
      await h.fn(args);
    }
  }
}
