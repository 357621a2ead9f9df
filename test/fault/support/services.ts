import { execFile } from 'node:child_process';
import { join } from 'node:path';
import { REPO_ROOT } from './build';

export type ServicesCommand =
  | 'redis-stop'
  | 'redis-start'
  | 'pg-stop'
  | 'pg-start'
  | 'ferretdb-stop'
  | 'ferretdb-start'
  | 'ferretdb-pause'
  | 'ferretdb-resume';

/** The state folder of the servers the tests run on (exported by scripts/test.sh). */
export function servicesState(): string {
  const state = process.env.DOMPET_SERVICES_STATE;
  if (!state) throw new Error('DOMPET_SERVICES_STATE is not set: run this suite through `npm test` (scripts/test.sh), which owns the servers.');
  return state;
}

/** Runs `bash scripts/services.sh <command> --state $DOMPET_SERVICES_STATE` (bounded); rejects with its output on failure. */
export function services(command: ServicesCommand, timeoutMs = 90_000): Promise<string> {
  return new Promise((resolve, reject) => {
    execFile('bash', [join(REPO_ROOT, 'scripts', 'services.sh'), command, '--state', servicesState()], { timeout: timeoutMs }, (err, stdout, stderr) => {
      if (err) reject(new Error(`services.sh ${command} failed: ${err.message}\n${stdout}${stderr}`));
      else resolve(`${stdout}${stderr}`);
    });
  });
}
