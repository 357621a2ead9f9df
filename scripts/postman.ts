// Runs the Postman workflow (postman/dompet.postman_collection.json) with newman against any server:
//
//   npm run postman -- [--base-url http://127.0.0.1:3000] [--admin-phone 081100000000] [--admin-pin 246810]
//
// Prints every request and assertion, writes JUnit XML to test-artifacts/postman-junit.xml, and exits
// non-zero when a request fails or an assertion does not hold. The admin defaults are those of
// `npm run start:local` (ADMIN_PHONE / ADMIN_PIN of the server; $POSTMAN_ADMIN_PIN also works).
// The run registers fresh users and moves money on the target: point it at a local or QA server.
import { join } from 'node:path';

// newman ships no type declarations; the part of its API used here.
// eslint-disable-next-line @typescript-eslint/no-require-imports
const newman = require('newman') as {
  run(
    options: Record<string, unknown>,
    callback: (err: Error | null, summary: { run: { failures: unknown[]; error?: unknown } }) => void,
  ): void;
};

const REPO_ROOT = join(__dirname, '..');

function usage(problem: string): never {
  process.stderr.write(`${problem}\nusage: npm run postman -- [--base-url URL] [--admin-phone PHONE] [--admin-pin PIN]\n`);
  process.exit(2);
}

function parseArgs(argv: string[]): Record<'baseUrl' | 'adminPhone' | 'adminPin', string> {
  const options = {
    baseUrl: process.env.POSTMAN_BASE_URL ?? 'http://127.0.0.1:3000',
    adminPhone: process.env.POSTMAN_ADMIN_PHONE ?? '081100000000',
    adminPin: process.env.POSTMAN_ADMIN_PIN ?? '246810',
  };
  for (let i = 0; i < argv.length; i++) {
    const [flag, inline] = argv[i].split(/=(.*)/s, 2);
    const value = () => inline ?? argv[++i] ?? usage(`${flag} needs a value`);
    if (flag === '--base-url') options.baseUrl = value().replace(/\/+$/, '');
    else if (flag === '--admin-phone') options.adminPhone = value();
    else if (flag === '--admin-pin') options.adminPin = value();
    else usage(`unknown argument ${argv[i]}`);
  }
  if (!/^https?:\/\/[^/]/.test(options.baseUrl)) usage(`--base-url must be an http(s) URL, got ${options.baseUrl}`);
  return options;
}

const options = parseArgs(process.argv.slice(2));
newman.run(
  {
    collection: join(REPO_ROOT, 'postman', 'dompet.postman_collection.json'),
    envVar: [
      { key: 'baseUrl', value: options.baseUrl },
      { key: 'adminPhone', value: options.adminPhone },
      { key: 'adminPin', value: options.adminPin },
    ],
    reporters: ['cli', 'junit'],
    reporter: { junit: { export: join(REPO_ROOT, 'test-artifacts', 'postman-junit.xml') } },
    timeoutRequest: 30_000,
  },
  (err, summary) => {
    if (err) {
      process.stderr.write(`newman could not run the collection: ${err.message}\n`);
      process.exit(1);
    }
    const failures = summary.run.failures.length;
    process.stdout.write(`Postman workflow against ${options.baseUrl}: ${failures ? `${failures} failure(s)` : 'all assertions passed'}\n`);
    process.exit(failures || summary.run.error ? 1 : 0);
  },
);
