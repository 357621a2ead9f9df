// Writes the OpenAPI document and the Postman collection generated from it: `npm run openapi:export`.
//
//   openapi.json                              the document served at /docs-json, byte for byte
//   postman/dompet.postman_collection.json    the same routes as a Postman collection (openapi-to-postmanv2)
//
// No database, Redis or network is needed: the app's module graph is created in Nest's preview mode,
// which registers every module and controller but instantiates no provider (so nothing connects), and
// the document is built from it exactly as `configureApp` builds it for /docs-json. Both files are
// deterministic (no ids, timestamps, hosts or ports), so they change only when the API does;
// test/e2e/openapi.e2e-spec.ts fails when they differ from what the running app serves.
// `--check` writes nothing and exits 1 when a committed file is stale.
import 'reflect-metadata';
import { createHash } from 'node:crypto';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import type { INestApplication } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import type { OpenAPIObject } from '@nestjs/swagger';
import { AppModule } from '../src/app.module';
import { buildOpenApiDocument } from '../src/bootstrap';
import { AppConfig } from '../src/config/app-config';

// eslint-disable-next-line @typescript-eslint/no-require-imports
const Converter = require('openapi-to-postmanv2') as {
  convert: (
    input: { type: 'json'; data: unknown },
    options: Record<string, unknown>,
    callback: (err: Error | null, result: { result: boolean; reason?: string; output?: Array<{ type: string; data: PostmanCollection }> }) => void,
  ) => void;
};

export const REPO_ROOT = join(__dirname, '..');
export const OPENAPI_FILE = join(REPO_ROOT, 'openapi.json');
export const POSTMAN_FILE = join(REPO_ROOT, 'postman', 'dompet.postman_collection.json');
export const DEFAULT_BASE_URL = 'http://127.0.0.1:3000';

type Json = null | boolean | number | string | Json[] | { [key: string]: Json };
interface PostmanCollection {
  info: Record<string, Json>;
  item: Json[];
  auth?: Json;
  variable?: Array<{ key: string; value: string; type?: string; description?: string }>;
  [key: string]: unknown;
}

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

/** Replaces the converter's random ids with ones derived from the request's place, so the file is stable. */
function stableIds(node: Json, path: string): Json {
  if (Array.isArray(node)) return node.map((child, i) => stableIds(child, `${path}/${i}`));
  if (node === null || typeof node !== 'object') return node;
  const out: { [key: string]: Json } = {};
  for (const [key, value] of Object.entries(node)) {
    if (key === 'id' || key === '_postman_id') continue;
    out[key] = stableIds(value, `${path}/${key}`);
  }
  return out;
}

/** The Postman collection of `document`: folders per tag, bearer auth from `{{bearerToken}}`, `{{baseUrl}}` prefix. */
export async function createPostmanCollection(document: OpenAPIObject): Promise<PostmanCollection> {
  const output = await new Promise<PostmanCollection>((resolve, reject) =>
    Converter.convert(
      { type: 'json', data: JSON.parse(JSON.stringify(document)) },
      {
        folderStrategy: 'Tags',
        requestNameSource: 'Fallback',
        // Bodies, parameters and saved responses from the document's examples, not `<string>` placeholders
        // (the older per-direction options still take precedence over the unified one, so all three are set).
        parametersResolution: 'Example',
        requestParametersResolution: 'Example',
        exampleParametersResolution: 'Example',
        enableOptionalParameters: false,
        includeAuthInfoInExample: false,
        alwaysInheritAuthentication: false,
      },
      (err, result) => {
        if (err) return reject(err);
        if (!result.result || !result.output?.[0]) return reject(new Error(`openapi-to-postmanv2 refused the document: ${result.reason}`));
        resolve(result.output[0].data);
      },
    ),
  );
  const collection = stableIds(output as unknown as Json, '') as unknown as PostmanCollection;
  setRequestAuth(collection.item, document);
  collection.info = {
    // Postman keeps a collection's identity across imports by this id: derive it from the title, not at random.
    _postman_id: uuidFrom(String(document.info.title)),
    ...collection.info,
  };
  collection.auth = { type: 'bearer', bearer: [{ key: 'token', value: '{{bearerToken}}', type: 'string' }] };
  collection.variable = [
    { key: 'baseUrl', value: DEFAULT_BASE_URL, type: 'string', description: 'Where the API listens (`npm run start:local` serves http://127.0.0.1:3000)' },
    { key: 'bearerToken', value: '', type: 'string', description: 'access_token from POST /login (valid 5 minutes by default; renew with POST /refresh-token)' },
  ];
  return collection;
}

/**
 * Protected requests inherit the collection's bearer auth (`{{bearerToken}}`); public ones (no
 * `security` in the document) send no Authorization header at all.
 */
function setRequestAuth(items: Json[], document: OpenAPIObject): void {
  for (const node of items) {
    const item = node as { item?: Json[]; request?: { method: string; url: { path: string[] }; auth?: Json } };
    if (item.item) setRequestAuth(item.item, document);
    if (!item.request) continue;
    const path = `/${item.request.url.path.map((s) => s.replace(/^:(.+)$/, '{$1}')).join('/')}`;
    const operation = document.paths[path]?.[item.request.method.toLowerCase() as 'get'];
    if (!operation) throw new Error(`The collection has a request the document does not: ${item.request.method} ${path}`);
    if (operation.security?.length) delete item.request.auth;
    else item.request.auth = { type: 'noauth' };
  }
}

function uuidFrom(text: string): string {
  const h = createHash('sha256').update(text).digest('hex');
  return `${h.slice(0, 8)}-${h.slice(8, 12)}-4${h.slice(13, 16)}-8${h.slice(17, 20)}-${h.slice(20, 32)}`;
}

async function main(): Promise<number> {
  const check = process.argv.includes('--check');
  const document = await createOpenApiDocument();
  const collection = await createPostmanCollection(document);
  const files: Array<[string, string]> = [
    [OPENAPI_FILE, toJsonFile(document)],
    [POSTMAN_FILE, toJsonFile(collection)],
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
