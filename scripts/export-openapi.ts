// Writes the OpenAPI document and the Postman workflow generated from it: `npm run openapi:export`.
//
//   openapi.json                              the document served at /docs-json (servers: http://127.0.0.1:3000)
//   postman/dompet.postman_collection.json    the workflow test suite (scripts/postman-workflow.ts), run by newman
//   postman/local.postman_environment.json    its environment for `npm run start:local`
//
// No database, Redis or network is needed: the app's module graph is created in Nest's preview mode,
// which registers every module and controller but instantiates no provider (so nothing connects), and
// the document is built from it exactly as `configureApp` builds it for /docs-json. The files are
// deterministic (no ids, timestamps, hosts or ports beyond the default server URL), so they change only
// when the API does; test/e2e/openapi.e2e-spec.ts fails when they differ from what the running app serves.
// `--check` writes nothing and exits 1 when a committed file is stale.
import 'reflect-metadata';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import type { INestApplication } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import type { OpenAPIObject } from '@nestjs/swagger';
import { AppModule } from '../src/app.module';
import { buildOpenApiDocument, DEFAULT_PUBLIC_BASE_URL } from '../src/bootstrap';
import { AppConfig } from '../src/config/app-config';
import { createLocalEnvironment, createWorkflowCollection } from './postman-workflow';

export const REPO_ROOT = join(__dirname, '..');
export const OPENAPI_FILE = join(REPO_ROOT, 'openapi.json');
export const POSTMAN_FILE = join(REPO_ROOT, 'postman', 'dompet.postman_collection.json');
export const POSTMAN_ENV_FILE = join(REPO_ROOT, 'postman', 'local.postman_environment.json');
export const DEFAULT_BASE_URL = DEFAULT_PUBLIC_BASE_URL;

/** How a document or collection is written to disk (and compared with what the app serves). */
export function toJsonFile(value: unknown): string {
  return `${JSON.stringify(value, null, 2)}\n`;
}

/**
 * The app's module graph with every module and controller registered and no provider created (Nest's
 * preview mode), so nothing connects anywhere: the configuration only satisfies validation.
 */
export async function createPreviewApp(): Promise<INestApplication> {
  const config = AppConfig.fromEnv({
    NODE_ENV: 'development',
    APP_ROLE: 'all',
    MONGODB_URI: 'mongodb://127.0.0.1:27017',
    REDIS_URL: 'redis://127.0.0.1:6379',
  });
  return NestFactory.create(AppModule.forRoot(config), { preview: true, logger: false, abortOnError: false, bodyParser: false });
}

/** The OpenAPI document of the code as it is, built without any server. */
export async function createOpenApiDocument(): Promise<OpenAPIObject> {
  const app = await createPreviewApp();
  try {
    return buildOpenApiDocument(app);
  } finally {
    await app.close();
  }
}

async function main(): Promise<number> {
  const check = process.argv.includes('--check');
  const document = await createOpenApiDocument();
  const files: Array<[string, string]> = [
    [OPENAPI_FILE, toJsonFile(document)],
    [POSTMAN_FILE, toJsonFile(createWorkflowCollection(document))],
    [POSTMAN_ENV_FILE, toJsonFile(createLocalEnvironment())],
  ];
  let stale = 0;
  for (const [file, text] of files) {
    const name = file.slice(REPO_ROOT.length + 1);
    let current: string | null = null;
    try {
      current = readFileSync(file, 'utf8');
    } catch {
      current = null;
    }
    if (current === text) {
      process.stdout.write(`${name}: up to date\n`);
    } else if (check) {
      process.stdout.write(`${name}: stale, run \`npm run openapi:export\`\n`);
      stale += 1;
    } else {
      mkdirSync(dirname(file), { recursive: true });
      writeFileSync(file, text);
      process.stdout.write(`${name}: written\n`);
    }
  }
  const operations = Object.values(document.paths).reduce((n, item) => n + Object.keys(item).length, 0);
  process.stdout.write(`${operations} operations in ${Object.keys(document.paths).length} paths\n`);
  return stale ? 1 : 0;
}

if (require.main === module) {
  main().then(
    (code) => process.exit(code),
    (err) => {
      process.stderr.write(`${err instanceof Error ? (err.stack ?? err.message) : String(err)}\n`);
      process.exit(1);
    },
  );
}
