import { spawn } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { createTestApp, TestApp } from '../support/test-app';
import { adminAuth, newUser } from '../support/users';

/**
 * Property-based fuzzing of the whole HTTP API from its OpenAPI document: `scripts/fuzz.sh`
 * (schemathesis) against this file's in-process app. Any 5xx, undocumented status, wrong content
 * type or body that does not match its documented schema fails the test; the schemathesis report
 * (with a curl line per failure) is in the failure message and in test-artifacts/fuzz.log.
 *
 * Bounded for CI: FUZZ_MAX_EXAMPLES (default 10 here) test cases per operation and phase, and the
 * whole run within FUZZ_TIMEOUT (default 240 s here). `npm run fuzz` runs the same script longer.
 */

const REPO_ROOT = join(__dirname, '..', '..');
const LOG = join(REPO_ROOT, 'test-artifacts', 'fuzz.log');
const MAX_EXAMPLES = process.env.FUZZ_MAX_EXAMPLES ?? '10';
const TIMEOUT_SECONDS = Number(process.env.FUZZ_TIMEOUT ?? 240);

function runFuzz(env: NodeJS.ProcessEnv): Promise<{ code: number | null; output: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn('bash', [join(REPO_ROOT, 'scripts', 'fuzz.sh')], { cwd: REPO_ROOT, env, stdio: ['ignore', 'pipe', 'pipe'] });
    const chunks: Buffer[] = [];
    child.stdout.on('data', (c: Buffer) => chunks.push(c));
    child.stderr.on('data', (c: Buffer) => chunks.push(c));
    child.on('error', reject);
    child.on('close', (code) => resolve({ code, output: Buffer.concat(chunks).toString('utf8') }));
  });
}

/** The part of a schemathesis report worth reading in a failure: from FAILURES/ERRORS on, per pass. */
function essentials(output: string): string {
  let section = '';
  const keep: string[] = [];
  for (const line of output.split('\n')) {
    const heading = /^=+ ([A-Z ]+) =+$/.exec(line);
    if (heading) section = heading[1];
    if (line.startsWith('[dompet] pass ')) section = '';
    if (line.startsWith('[dompet]') || /FAILURES|ERRORS|SUMMARY/.test(section)) keep.push(line);
  }
  const text = keep.join('\n');
  return text.length > 20000 ? `${text.slice(0, 20000)}\n… (the whole log is in ${LOG})` : text;
}

describe('fuzzing the API from its OpenAPI document (schemathesis)', () => {
  let t: TestApp;

  beforeAll(async () => {
    // Tokens must outlive the run; throttling is already off in test apps.
    t = await createTestApp({ label: 'fuzz', env: { ACCESS_TOKEN_TTL_SECONDS: '3600' } });
  });

  afterAll(async () => {
    await t?.close();
  });

  it(
    'answers every generated request without a 5xx and as documented',
    async () => {
      const fuzzer = await newUser(t, { first_name: 'Fuzzer' });
      const logoutUser = await newUser(t, { first_name: 'Logout' });
      const pinUser = await newUser(t, { first_name: 'Pin' });
      const receiver = await newUser(t, { first_name: 'Receiver' });
      await t.http().post('/topup').set(fuzzer.auth).set('Idempotency-Key', randomUUID()).send({ amount: 500000 }).expect(201);
      const transfer = await t
        .http()
        .post('/transfer')
        .set(fuzzer.auth)
        .set('Idempotency-Key', randomUUID())
        .send({ target_user: receiver.userId, amount: 25000, remarks: 'fuzz set-up' })
        .expect(202);
      // Against a deployment without E2E_ADMIN_PHONE/E2E_ADMIN_PIN the script skips the admin pass.
      const admin = await adminAuth(t).catch(() => undefined);

      const started = Date.now();
      const { code, output } = await runFuzz({
        ...process.env,
        FUZZ_BASE_URL: t.baseUrl,
        FUZZ_TOKEN: fuzzer.accessToken,
        FUZZ_LOGOUT_TOKEN: logoutUser.accessToken,
        FUZZ_PIN_TOKEN: pinUser.accessToken,
        FUZZ_TRANSFER_ID: transfer.body.result.transfer_id,
        FUZZ_RECEIVER_ID: receiver.userId,
        FUZZ_ADMIN_TOKEN: admin ? admin.Authorization.replace(/^Bearer /, '') : '',
        FUZZ_MAX_EXAMPLES: MAX_EXAMPLES,
        FUZZ_TIMEOUT: String(TIMEOUT_SECONDS),
      });
      mkdirSync(join(REPO_ROOT, 'test-artifacts'), { recursive: true });
      writeFileSync(LOG, output);
      const seconds = Math.round((Date.now() - started) / 1000);

      if (code !== 0) {
        throw new Error(`scripts/fuzz.sh exited with ${code} after ${seconds}s. The findings:\n\n${essentials(output)}`);
      }
      expect(output).toMatch(/\[dompet\] fuzzing passed/);
    },
    (TIMEOUT_SECONDS + 120) * 1000,
  );
});
