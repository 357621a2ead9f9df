import { spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, readdirSync, readFileSync, renameSync, rmSync, statSync } from 'node:fs';
import { join, relative } from 'node:path';

/**
 * The compiled service, as `npm run build` makes it, for tests and benchmarks that run real processes.
 * Compiled with `tsc -p tsconfig.build.json` into `.local/build/<hash of the sources>/` rather than
 * `dist/`, so a build never replaces files a running process of someone else uses; the same sources
 * are compiled once and reused. The folder sits inside the repository so `node_modules` resolves.
 */
export const REPO_ROOT = join(__dirname, '..', '..', '..');
const BUILD_ROOT = join(REPO_ROOT, '.local', 'build');
const KEEP_MS = 24 * 3600 * 1000;

export interface CompiledApp {
  dir: string;
  /** `node <main>`: the API (APP_ROLE=api) or API + worker (all). */
  main: string;
  /** `node <worker>`: the queue worker (`npm run start:worker`). */
  worker: string;
  /** How long compiling took, 0 when an earlier build of the same sources was reused. */
  buildMs: number;
}

function sourceFiles(dir: string, out: string[] = []): string[] {
  for (const name of readdirSync(dir).sort()) {
    const path = join(dir, name);
    if (statSync(path).isDirectory()) sourceFiles(path, out);
    else if (name.endsWith('.ts') && !name.endsWith('.spec.ts')) out.push(path);
  }
  return out;
}

function sourceHash(): string {
  const hash = createHash('sha256');
  for (const file of [join(REPO_ROOT, 'tsconfig.json'), join(REPO_ROOT, 'tsconfig.build.json'), ...sourceFiles(join(REPO_ROOT, 'src'))]) {
    hash.update(relative(REPO_ROOT, file)).update('\0').update(readFileSync(file)).update('\0');
  }
  return hash.digest('hex').slice(0, 16);
}

/** Compiles `src/` unless this exact source tree was compiled before; returns the entry points. */
export function compiledApp(log: (line: string) => void = () => undefined): CompiledApp {
  const hash = sourceHash();
  const dir = join(BUILD_ROOT, hash);
  const result = (buildMs: number): CompiledApp => ({ dir, main: join(dir, 'main.js'), worker: join(dir, 'worker.js'), buildMs });
  if (existsSync(join(dir, 'main.js')) && existsSync(join(dir, 'worker.js'))) return result(0);

  mkdirSync(BUILD_ROOT, { recursive: true });
  const tmp = `${dir}.tmp-${process.pid}`;
  rmSync(tmp, { recursive: true, force: true });
  const started = Date.now();
  log(`compiling src/ into ${relative(REPO_ROOT, dir)} (tsc -p tsconfig.build.json)`);
  const tsc = spawnSync(process.execPath, [require.resolve('typescript/bin/tsc'), '-p', 'tsconfig.build.json', '--outDir', tmp], {
    cwd: REPO_ROOT,
    encoding: 'utf8',
    timeout: 300_000,
  });
  // tsc still emits on type errors; those belong to the type check (`npm run lint:types`), so a build
  // with diagnostics is used as long as it produced both entry points.
  if (!existsSync(join(tmp, 'main.js')) || !existsSync(join(tmp, 'worker.js'))) {
    throw new Error(`compiling src/ failed (exit ${tsc.status ?? tsc.signal}):\n${tsc.stdout}${tsc.stderr}`);
  }
  if (tsc.status !== 0) log(`tsc reported type errors; using its output anyway:\n${tsc.stdout.split('\n').slice(0, 10).join('\n')}`);
  try {
    renameSync(tmp, dir);
  } catch {
    // A concurrent run finished the same build first.
    rmSync(tmp, { recursive: true, force: true });
  }
  for (const name of readdirSync(BUILD_ROOT)) {
    const path = join(BUILD_ROOT, name);
    if (path !== dir && Date.now() - statSync(path).mtimeMs > KEEP_MS) rmSync(path, { recursive: true, force: true });
  }
  return result(Date.now() - started);
}
