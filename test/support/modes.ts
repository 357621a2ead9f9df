import { appendFileSync } from 'node:fs';

/**
 * The two ways the e2e suite runs.
 *
 * - In-process (default): every file boots the real AppModule on its own migrated database and Redis
 *   prefix (`createTestApp`), so a test may also look at the database, the queue or Redis.
 * - Black-box: with `E2E_BASE_URL=https://host` set, the suite drives that running deployment over
 *   HTTP only. Tests that need more than HTTP are declared with `itInProcess` / `describeInProcess`
 *   (or `itWithDatabase` / `describeWithDatabase`): they run in-process as usual and are left out
 *   (not registered) in black-box mode, where `black-box-reporter.js` sums up how many and why.
 */

function normaliseBaseUrl(value: string | undefined): string | undefined {
  const trimmed = value?.trim();
  if (!trimmed) return undefined;
  let url: URL;
  try {
    url = new URL(trimmed);
  } catch {
    throw new Error(`E2E_BASE_URL is not a URL: ${JSON.stringify(trimmed)} (expected e.g. https://dompet.example.com)`);
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') throw new Error(`E2E_BASE_URL must be http(s): ${trimmed}`);
  return trimmed.replace(/\/+$/, '');
}

/** The deployment the suite drives in black-box mode, without a trailing slash; undefined in-process. */
export const E2E_BASE_URL = normaliseBaseUrl(process.env.E2E_BASE_URL);

/** True when the suite drives a running deployment over HTTP only (`E2E_BASE_URL` is set). */
export const BLACK_BOX = E2E_BASE_URL !== undefined;

/** Why a test can only run in-process; the text ends up in the skipped test's title and the run's summary. */
export const IN_PROCESS_REASONS = {
  database: 'database access',
  internals: "the service's internals (queue, command bus, providers)",
  redis: 'control of Redis',
  secret: "the server's JWT secret",
  config: 'a server configuration of their own',
  'fresh-database': 'a fresh database',
} as const;

export type InProcessReason = keyof typeof IN_PROCESS_REASONS;

type EachTable = ReadonlyArray<readonly unknown[]>;
// eslint-disable-next-line @typescript-eslint/no-explicit-any
type EachFn = (...args: any[]) => unknown;

/**
 * In black-box mode an in-process-only test is not registered at all (nothing is skipped); it is
 * written to the file named by `E2E_LEFT_OUT_LOG` (set by `black-box-reporter.js`), one JSON line
 * per test, for the run's summary line.
 */
function leaveOut(reason: InProcessReason, tests: number): void {
  const log = process.env.E2E_LEFT_OUT_LOG;
  if (log) appendFileSync(log, `${JSON.stringify({ reason: IN_PROCESS_REASONS[reason], tests })}\n`);
}

/** How many tests a describe body declares, found by running it with jest's globals replaced by counters. */
function countTests(body: () => void): number {
  const g = globalThis as unknown as Record<string, unknown>;
  const names = ['describe', 'it', 'test', 'beforeAll', 'afterAll', 'beforeEach', 'afterEach'];
  const saved = names.map((name) => g[name]);
  let tests = 0;
  const count = Object.assign(() => void tests++, { each: (table: EachTable) => () => void (tests += table.length) });
  g.it = g.test = count;
  g.describe = Object.assign((_name: string, inner: () => void) => inner(), {
    // describe.each(table)(name, fn): the block once per row, with the row's values.
    each: (table: EachTable) => (_name: string, inner: (...row: unknown[]) => void) => {
      for (const row of table as unknown[]) inner(...(Array.isArray(row) ? row : [row]));
    },
  });
  for (const hook of ['beforeAll', 'afterAll', 'beforeEach', 'afterEach']) g[hook] = () => undefined;
  try {
    body();
  } finally {
    names.forEach((name, i) => (g[name] = saved[i]));
  }
  return tests;
}

/** `it(name, fn)` in-process; left out in black-box mode. */
export function itInProcess(reason: InProcessReason, name: string, fn: jest.ProvidesCallback, timeout?: number): void {
  if (BLACK_BOX) leaveOut(reason, 1);
  else it(name, fn, timeout);
}

/** `it.each(table)(name, fn)` in-process; left out in black-box mode. */
itInProcess.each = (reason: InProcessReason, table: EachTable) => (name: string, fn: EachFn, timeout?: number): void => {
  if (BLACK_BOX) leaveOut(reason, table.length);
  else it.each(table as unknown[][])(name, fn as never, timeout);
};

/** `describe(name, fn)` in-process; in black-box mode the block is left out (its hooks never run). */
export function describeInProcess(reason: InProcessReason, name: string, fn: () => void): void {
  if (BLACK_BOX) leaveOut(reason, countTests(fn));
  else describe(name, fn);
}

/** A test that reads or writes the database directly (assertions, set-up, ledger checks). */
export function itWithDatabase(name: string, fn: jest.ProvidesCallback, timeout?: number): void {
  itInProcess('database', name, fn, timeout);
}

/** A block whose tests read or write the database directly. */
export function describeWithDatabase(name: string, fn: () => void): void {
  describeInProcess('database', name, fn);
}
