import { compiledApp } from './build';

/** Compiles the service once before the fault tests (they run it as real processes). */
export default async function globalSetup(): Promise<void> {
  const app = compiledApp((line) => process.stdout.write(`[fault] ${line}\n`));
  process.stdout.write(`[fault] compiled service in ${app.dir} (${app.buildMs ? `built in ${(app.buildMs / 1000).toFixed(1)} s` : 'reused'})\n`);
}
