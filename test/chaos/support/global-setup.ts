import { compiledApp } from '../../fault/support/build';

/** Compiles the service once before the chaos test (reused when the fault tests compiled the same sources). */
export default async function globalSetup(): Promise<void> {
  const app = compiledApp((line) => process.stdout.write(`[chaos] ${line}\n`));
  process.stdout.write(`[chaos] compiled service in ${app.dir} (${app.buildMs ? `built in ${(app.buildMs / 1000).toFixed(1)} s` : 'reused'})\n`);
}
