/**
 * Checks the deployment files against the code, without Docker (`npm run check:deploy`; part of `npm test`):
 *
 * - docker-compose.yml: the services and their wiring (depends_on targets and conditions, health
 *   checks); every environment key given to a Dompet process is a configuration key the service knows
 *   (the schema in src/config/app-config.ts, which .env.example must document in full); the secrets
 *   have no default; the api and worker environments, merged with the image's ENV, pass AppConfig's
 *   validation in production with the intended role and listener.
 * - Dockerfile: build / production-deps / runtime stages, non-root user, health check, commands whose
 *   entry points exist; every COPY source exists and survives .dockerignore; every package the
 *   compiled service imports is a production dependency (the runtime stage has no others).
 *
 * Prints one line per check and a summary; exits 1 if any check fails.
 */
import { randomBytes, randomInt } from 'node:crypto';
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { builtinModules } from 'node:module';
import { join, relative } from 'node:path';
import { AppConfig } from '../src/config/app-config';

// js-yaml ships with @nestjs/swagger (a production dependency of the service).
// eslint-disable-next-line @typescript-eslint/no-require-imports
const yaml = require('js-yaml') as { load(text: string): unknown };

type Json = Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any

const ROOT = join(__dirname, '..');
const read = (file: string) => readFileSync(join(ROOT, file), 'utf8');

let passed = 0;
const failures: string[] = [];
function check(what: string, ok: boolean, detail = ''): void {
  if (ok) passed++;
  else failures.push(`${what}${detail ? `: ${detail}` : ''}`);
  process.stdout.write(`${ok ? 'ok  ' : 'FAIL'} ${what}${!ok && detail ? ` (${detail})` : ''}\n`);
}

// ---- configuration keys known to the service ----
const schemaKeys = new Set([...read('src/config/app-config.ts').matchAll(/^\s+([A-Z][A-Z0-9_]*): Joi\./gm)].map((m) => m[1]));
const documentedKeys = new Set([...read('.env.example').matchAll(/^([A-Z][A-Z0-9_]*)=/gm)].map((m) => m[1]));
check('app-config.ts declares configuration keys', schemaKeys.size > 20, `found ${schemaKeys.size}`);
const undocumented = [...schemaKeys].filter((k) => !documentedKeys.has(k));
const unknownDocumented = [...documentedKeys].filter((k) => !schemaKeys.has(k));
check('.env.example documents every configuration key, and only those', !undocumented.length && !unknownDocumented.length, `undocumented ${undocumented}; unknown ${unknownDocumented}`);
const migrateKeys = new Set([...read('migrate-mongo-config.js').matchAll(/process\.env\.([A-Z][A-Z0-9_]*)/g)].map((m) => m[1]));

// ---- compose variable interpolation (${X}, ${X:-d}, ${X-d}, ${X:?e}, ${X?e}, $$) ----
class MissingVariable extends Error {}
function interpolate(value: unknown, vars: Record<string, string>): string {
  return String(value).replace(/\$\$|\$\{([A-Z0-9_]+)(?:(:?[-?])([^}]*))?\}/gi, (whole, name?: string, op?: string, arg?: string) => {
    if (whole === '$$') return '$';
    const v = vars[name!];
    const unset = v === undefined || (op?.startsWith(':') && v === '');
    if (!op) return v ?? '';
    if (op.endsWith('-')) return unset ? arg! : v!;
    if (unset) throw new MissingVariable(`${name}: ${arg}`);
    return v!;
  });
}

// ---- docker-compose.yml ----
const compose = yaml.load(read('docker-compose.yml')) as Json;
const services = (compose.services ?? {}) as Record<string, Json>;
check('compose defines mongo, redis, migrate, api and worker', ['mongo', 'redis', 'migrate', 'api', 'worker'].every((s) => s in services), Object.keys(services).join(','));

for (const [name, service] of Object.entries(services)) {
  const deps = (service.depends_on ?? {}) as string[] | Record<string, { condition?: string }>;
  const targets: Array<[string, { condition?: string }]> = Array.isArray(deps) ? deps.map((d) => [d, {}]) : Object.entries(deps);
  for (const [target, { condition }] of targets) {
    const other = services[target];
    check(`${name} depends on an existing service ${target}`, !!other);
    if (!other) continue;
    if (condition === 'service_healthy') check(`${name} waits for ${target} to be healthy, which has a health check`, !!other.healthcheck?.test && !other.healthcheck?.disable);
    else if (condition === 'service_completed_successfully') check(`${name} waits for the one-shot ${target}`, other.restart === 'no');
    else check(`${name} → ${target} has a condition`, false, `condition ${condition}`);
  }
}
check('mongo runs a replica set (--replSet) and initiates it in its health check', JSON.stringify(services.mongo?.command ?? '').includes('--replSet') && JSON.stringify(services.mongo?.healthcheck?.test ?? '').includes('rs.initiate'));
check('redis keeps an append-only file on a volume', JSON.stringify(services.redis?.command ?? '').includes('appendonly') && (services.redis?.volumes ?? []).some((v: string) => String(v).endsWith(':/data')));
for (const [name, service] of Object.entries(services)) {
  for (const volume of (service.volumes ?? []) as string[]) {
    const source = String(volume).split(':')[0];
    if (!source.startsWith('.') && !source.startsWith('/')) check(`${name} mounts the declared volume ${source}`, !!compose.volumes && source in compose.volumes);
  }
}

// Every environment key of a Dompet process is a configuration key (or, for migrate, read by its config).
const appServices = Object.entries(services).filter(([, s]) => String(s.image ?? '').startsWith('dompet') || s.build);
check('api, worker and migrate run the Dompet image', ['api', 'worker', 'migrate'].every((n) => appServices.some(([name]) => name === n)));
for (const [name, service] of appServices) {
  const keys = Object.keys(service.environment ?? {});
  const known = name === 'migrate' ? migrateKeys : schemaKeys;
  const unknown = keys.filter((k) => !known.has(k));
  check(`${name}: every environment key is a configuration key (${keys.length} keys)`, keys.length > 0 && !unknown.length, `unknown: ${unknown.join(', ')}`);
}

// Secrets: required, no default, never a literal.
for (const secret of ['JWT_SECRET', 'ADMIN_PIN']) {
  for (const name of ['api', 'worker']) {
    const raw = String(services[name]?.environment?.[secret] ?? '');
    check(`${name}: ${secret} is required from the environment, with no default`, new RegExp(`^\\$\\{${secret}:\\?[^}]+\\}$`).test(raw), raw || 'not set');
  }
}

// ---- Dockerfile ----
interface Instruction {
  op: string;
  args: string;
}
const dockerfile = read('Dockerfile')
  .replace(/\\\r?\n/g, ' ')
  .split(/\r?\n/)
  .map((l) => l.trim())
  .filter((l) => l && !l.startsWith('#'));
const stages: Array<{ name: string; from: string; steps: Instruction[] }> = [];
const args: Record<string, string> = {};
for (const line of dockerfile) {
  const [, op, rest] = /^(\S+)\s+(.*)$/.exec(line) ?? [];
  const instruction = { op: op.toUpperCase(), args: rest };
  if (instruction.op === 'ARG' && !stages.length) {
    const [k, v] = rest.split('=');
    args[k] = v ?? '';
  } else if (instruction.op === 'FROM') {
    const [, image, stage] = /^(\S+)(?:\s+AS\s+(\S+))?/i.exec(rest)!;
    stages.push({ name: stage ?? String(stages.length), from: interpolate(image, args), steps: [] });
  } else stages.at(-1)?.steps.push(instruction);
}
const stage = (name: string) => stages.find((s) => s.name === name);
const runtime = stages.at(-1)!;
const has = (s: { steps: Instruction[] } | undefined, op: string, pattern: RegExp) => !!s?.steps.some((i) => i.op === op && pattern.test(i.args));
check('Dockerfile has build, deps and runtime stages', !!stage('build') && !!stage('deps') && runtime.name === 'runtime', stages.map((s) => s.name).join(','));
check('every stage runs on Node 20 slim', stages.every((s) => /^node:20[\w.-]*-slim$/.test(s.from)), stages.map((s) => s.from).join(','));
check('build stage installs all dependencies and runs nest build', has(stage('build'), 'RUN', /npm ci\b/) && has(stage('build'), 'RUN', /nest build/));
check('deps stage installs production dependencies only', has(stage('deps'), 'RUN', /npm ci\b.*--omit=dev/));
check('runtime takes node_modules from deps and dist from build', has(runtime, 'COPY', /--from=deps\s+\S*node_modules/) && has(runtime, 'COPY', /--from=build\s+\S*dist/));
const env = Object.fromEntries(runtime.steps.filter((i) => i.op === 'ENV').flatMap((i) => [...i.args.matchAll(/(\w+)=(\S+)/g)].map((m) => [m[1], m[2]])));
check('runtime sets NODE_ENV=production and listens on all interfaces', env.NODE_ENV === 'production' && env.HOST === '0.0.0.0', JSON.stringify(env));
check('runtime runs as the unprivileged user node', runtime.steps.filter((i) => i.op === 'USER').at(-1)?.args === 'node');
const exposed = runtime.steps.find((i) => i.op === 'EXPOSE')?.args;
check('runtime exposes PORT', exposed === env.PORT, `EXPOSE ${exposed}, PORT ${env.PORT}`);
check('runtime health check probes /health/live', has(runtime, 'HEALTHCHECK', /\/health\/live/));
const cmd = runtime.steps.filter((i) => i.op === 'CMD').at(-1)?.args;
check('runtime command is node dist/main.js', cmd === '["node", "dist/main.js"]', cmd);

// Entry points: nest build compiles src/<x>.ts to dist/<x>.js (rootDir src).
const buildConfig = JSON.parse(read('tsconfig.build.json')) as Json;
check('nest build compiles src/ into dist/ (rootDir ./src)', /^(\.\/)?src\/?$/.test(buildConfig.compilerOptions?.rootDir ?? ''));
const entryPoints = [['image', ['node', 'dist/main.js']], ...Object.entries(services).filter(([, s]) => s.command).map(([n, s]) => [n, s.command])] as Array<[string, string[]]>;
for (const [name, command] of entryPoints) {
  if (command[0] !== 'node') continue;
  const script = command[1];
  const source = script.startsWith('dist/') ? `src/${script.slice(5).replace(/\.js$/, '.ts')}` : script;
  check(`${name}: ${script} exists in the image (${source})`, existsSync(join(ROOT, source)));
}
const pkg = JSON.parse(read('package.json')) as Json;
check('migrate-mongo (the migrate command) is a production dependency', 'migrate-mongo' in (pkg.dependencies ?? {}));

// COPY sources exist and are not excluded by .dockerignore (moby's rule: the last matching pattern
// wins, and a pattern also matches a path through any of its parent folders).
const ignore = read('.dockerignore')
  .split(/\r?\n/)
  .map((l) => l.trim())
  .filter((l) => l && !l.startsWith('#'))
  .map((l) => ({ negate: l.startsWith('!'), re: globToRegExp(l.replace(/^!/, '').replace(/^\/+|\/+$/g, '')) }));
function globToRegExp(glob: string): RegExp {
  const body = glob.replace(/[.+^${}()|[\]\\]/g, '\\$&').replace(/\*\*\//g, '\u0000').replace(/\*\*/g, '.*').replace(/\*/g, '[^/]*').replace(/\?/g, '[^/]').replace(/\u0000/g, '(?:.*/)?');
  return new RegExp(`^${body}$`);
}
function excluded(path: string): boolean {
  const parts = path.split('/');
  let result = false;
  for (const { negate, re } of ignore) {
    if (parts.some((_, i) => re.test(parts.slice(0, i + 1).join('/')))) result = !negate;
  }
  return result;
}
for (const s of stages) {
  for (const copy of s.steps.filter((i) => i.op === 'COPY' && !/--from=/.test(i.args))) {
    const sources = copy.args.split(/\s+/).filter((a) => !a.startsWith('--')).slice(0, -1);
    for (const source of sources) {
      check(`${s.name}: COPY ${source} exists and is in the build context`, existsSync(join(ROOT, source)) && !excluded(source));
    }
  }
}
check('.dockerignore keeps node_modules, dist, .local, .git and .env out of the context', ['node_modules', 'dist', '.local', '.git', '.env'].every(excluded));

// Every package the compiled service imports is a production dependency.
function sources(dir: string, out: string[] = []): string[] {
  for (const name of readdirSync(dir)) {
    const path = join(dir, name);
    if (statSync(path).isDirectory()) sources(path, out);
    else if (name.endsWith('.ts') && !name.endsWith('.spec.ts')) out.push(path);
  }
  return out;
}
const builtins = new Set(builtinModules);
const imported = new Map<string, string>();
for (const file of sources(join(ROOT, 'src'))) {
  // `import type` disappears from the compiled output; other imports, require() and import() stay.
  for (const m of readFileSync(file, 'utf8').matchAll(/(?:^|\n)\s*(?:import|export)(?!\s+type\s)(?:[^'"]*?from)?\s*['"]([^'"]+)['"]|require\(['"]([^'"]+)['"]\)|import\(['"]([^'"]+)['"]\)/g)) {
    const spec = m[1] ?? m[2] ?? m[3];
    if (spec.startsWith('.') || spec.startsWith('node:') || builtins.has(spec.split('/')[0])) continue;
    const name = spec.startsWith('@') ? spec.split('/').slice(0, 2).join('/') : spec.split('/')[0];
    if (!imported.has(name)) imported.set(name, relative(ROOT, file));
  }
}
const notProduction = [...imported].filter(([name]) => !(name in (pkg.dependencies ?? {})));
check(`the service imports only production dependencies (${imported.size} packages)`, imported.size > 10 && !notProduction.length, notProduction.map(([n, f]) => `${n} (${f})`).join(', '));

// The api and worker environments as the containers get them, with the secrets given.
const given = { JWT_SECRET: randomBytes(32).toString('hex'), ADMIN_PIN: String(randomInt(0, 1e6)).padStart(6, '0') };
for (const [name, role] of [
  ['api', 'api'],
  ['worker', 'worker'],
] as const) {
  const service = services[name];
  if (!service) continue;
  let missing = '';
  try {
    Object.values(service.environment ?? {}).forEach((v) => interpolate(v, {}));
  } catch (err) {
    missing = (err as Error).message;
  }
  check(`${name}: compose refuses to start without the secrets`, missing.startsWith('JWT_SECRET') || missing.startsWith('ADMIN_PIN'), missing || 'started without them');
  const containerEnv: Record<string, string> = { ...env };
  for (const [k, v] of Object.entries(service.environment ?? {})) containerEnv[k] = interpolate(v, given);
  try {
    const config = AppConfig.fromEnv(containerEnv);
    check(`${name}: its environment passes the service's validation in production`, config.nodeEnv === 'production');
    check(`${name}: runs as APP_ROLE=${role}`, config.role === role, config.role);
    if (role === 'api') {
      const published = (service.ports ?? []).map((p: string) => interpolate(p, {}).split(':').at(-1));
      check('api: listens on 0.0.0.0 on the published container port', config.host === '0.0.0.0' && published.includes(String(config.port)), `${config.host}:${config.port}, published ${published}`);
      check('api: health check probes the API on its port', JSON.stringify(service.healthcheck?.test ?? '').includes(`127.0.0.1:${config.port}/health/`));
    } else {
      check(`${name}: has no HTTP health check`, service.healthcheck?.disable === true);
    }
  } catch (err) {
    check(`${name}: its environment passes the service's validation in production`, false, (err as Error).message);
  }
}

const total = passed + failures.length;
process.stdout.write(failures.length ? `check-deploy: ${failures.length} of ${total} checks failed\n` : `check-deploy: all ${total} checks passed\n`);
if (failures.length) process.exit(1);
