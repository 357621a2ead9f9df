import { spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, readdirSync, readFileSync, renameSync, rmSync, statSync } from 'node:fs';
import { join, relative } from 'node:path';

/**
 * The compiled service, as `npm run build` makes it, for tests and benchmarks that run real processes.
 * Compiled with `tsc -p tsconfig.build.json` into `.local/build/<hash of the sources>/` rather than
 * `dist/`, so a build never replaces files a running process of someone else uses; the same sources
 * are compiled once and reused. The folder sits inside the repository so `node_modules` resolves.
 * Another checkout (`root`, e.g. a worktree of an older commit for `bench:compare`) compiles the same
 * way with its own TypeScript, into `buildRoot` (default `<root>/.local/build`): any folder from which
 * that checkout's `node_modules` resolves.
 */
export const REPO_ROOT = join(__dirname, '..', '..', '..');
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

function sourceHash(root: string): string {
  const hash = createHash('sha256');
  for (const file of [join(root, 'tsconfig.json'), join(root, 'tsconfig.build.json'), ...sourceFiles(join(root, 'src'))]) {
    hash.update(relative(root, file)).update('\0').update(readFileSync(file)).update('\0');
  }
  return hash.digest('hex').slice(0, 16);
}

/** Compiles `src/` unless this exact source tree was compiled before; returns the entry points. */
export function compiledApp(log: (line: string) => void = () => undefined, root = REPO_ROOT, buildRoot = join(root, '.local', 'build')): CompiledApp {
  const hash = sourceHash(root);
  const dir = join(buildRoot, hash);
  const result = (buildMs: number): CompiledApp => ({ dir, main: join(dir, 'main.js'), worker: join(dir, 'worker.js'), buildMs });
  if (existsSync(join(dir, 'main.js')) && existsSync(join(dir, 'worker.js'))) return result(0);

  mkdirSync(buildRoot, { recursive: true });
  const tmp = `${dir}.tmp-${process.pid}`;
  rmSync(tmp, { recursive: true, force: true });
  const started = Date.now();
  const shown = (path: string) => (relative(REPO_ROOT, path).startsWith('..') ? path : relative(REPO_ROOT, path));
  log(`compiling ${root === REPO_ROOT ? 'src/' : `${join(root, 'src')}/`} into ${shown(dir)} (tsc -p tsconfig.build.json)`);
  const tsc = spawnSync(process.execPath, [require.resolve('typescript/bin/tsc', { paths: [root] }), '-p', 'tsconfig.build.json', '--outDir', tmp], {
    cwd: root,
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
  for (const name of readdirSync(buildRoot)) {
    const path = join(buildRoot, name);
    if (path !== dir && Date.now() - statSync(path).mtimeMs > KEEP_MS) rmSync(path, { recursive: true, force: true });
  }
  return result(Date.now() - started);
}
