/**
 * The two ways the e2e suite runs.
 *
 * - In-process (default): every file boots the real AppModule on its own migrated database and Redis
 *   prefix (`createTestApp`), so a test may also look at the database, the queue or Redis.
 * - Black-box: with `E2E_BASE_URL=https://host` set, the suite drives that running deployment over
 *   HTTP only. Tests that need more than HTTP are declared with `itInProcess` / `describeInProcess`
 *   (or `itWithDatabase` / `describeWithDatabase`): they run in-process as usual and are skipped in
 *   black-box mode, with the reason in their title, which `black-box-reporter.js` sums up.
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

/** The title a test or block gets in black-box mode, where it is skipped. */
export function inProcessTitle(title: string, reason: InProcessReason): string {
  return `${title} [in-process only: ${IN_PROCESS_REASONS[reason]}]`;
}

type EachTable = ReadonlyArray<readonly unknown[]>;
// eslint-disable-next-line @typescript-eslint/no-explicit-any
type EachFn = (...args: any[]) => unknown;

/** `it(name, fn)` in-process; in black-box mode the test is skipped and says why. */
export function itInProcess(reason: InProcessReason, name: string, fn: jest.ProvidesCallback, timeout?: number): void {
  if (BLACK_BOX) it.skip(inProcessTitle(name, reason), fn, timeout);
  else it(name, fn, timeout);
}

/** `it.each(table)(name, fn)` in-process; skipped in black-box mode. */
itInProcess.each = (reason: InProcessReason, table: EachTable) => (name: string, fn: EachFn, timeout?: number): void => {
  const rows = table as unknown[][];
  if (BLACK_BOX) it.skip.each(rows)(inProcessTitle(name, reason), fn as never, timeout);
  else it.each(rows)(name, fn as never, timeout);
};

/** `describe(name, fn)` in-process; in black-box mode every test in it is skipped (its hooks never run). */
export function describeInProcess(reason: InProcessReason, name: string, fn: () => void): void {
  if (BLACK_BOX) describe.skip(inProcessTitle(name, reason), fn);
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
