import { readFileSync } from 'node:fs';
import { EVENT_TYPES } from '../../src/modules/events/domain/wallet-event';
import { INestApplication, RequestMethod, Type } from '@nestjs/common';
import { METHOD_METADATA, PATH_METADATA, ROUTE_ARGS_METADATA } from '@nestjs/common/constants';
import { RouteParamtypes } from '@nestjs/common/enums/route-paramtypes.enum';
import { MetadataScanner, ModulesContainer, Reflector } from '@nestjs/core';
import { getMetadataStorage } from 'class-validator';
import type { ValidationMetadata } from 'class-validator/types/metadata/ValidationMetadata';
import { createPreviewApp, DEFAULT_BASE_URL, OPENAPI_FILE, POSTMAN_FILE, toJsonFile } from '../../scripts/export-openapi';
import { createWorkflowCollection, workflowOperations } from '../../scripts/postman-workflow';
import { IS_PUBLIC, ROLES } from '../../src/common/decorators/auth.decorators';
import { createTestApp, TestApp } from '../support/test-app';

/**
 * The OpenAPI document is what the front-end team builds against, so it is checked for completeness
 * against what the app enforces: the routes, their authentication, bodies and validation rules come
 * from Nest's and class-validator's own metadata (read from the app's module graph, built in preview
 * mode, so this also works in black-box mode), and the document served at /docs-json (by the test
 * app, or by the deployment under test) must describe every one of them. Each test lists all
 * offenders at once.
 */

const ERROR_REF = '#/components/schemas/ErrorResponseDto';
const METHODS = ['get', 'post', 'put', 'patch', 'delete'] as const;

/** Public routes without any input, whose only failure is a dependency being down: they have no 4xx to document. */
const NO_CLIENT_ERRORS = new Set(['get /health/live', 'get /health/ready', 'get /metrics']);

/* eslint-disable @typescript-eslint/no-explicit-any */
type Schema = Record<string, any>;
type Operation = Record<string, any>;
type Doc = { paths: Record<string, Record<string, Operation>>; components: { schemas: Record<string, Schema>; securitySchemes: Record<string, Schema> }; tags: Array<{ name: string }> };

/** One route as the app serves it, from the controllers' metadata. */
interface AppRoute {
  key: string; // "post /users/{id}/freeze"
  method: string;
  path: string;
  isPublic: boolean;
  roles: string[];
  body?: Type<unknown>;
  query?: Type<unknown>;
  hasParams: boolean;
}

function appRoutes(app: INestApplication): AppRoute[] {
  const reflector = new Reflector();
  const scanner = new MetadataScanner();
  const routes: AppRoute[] = [];
  // Preview mode creates no provider, so the container is read directly rather than injected.
  const container = (app as unknown as { container: { getModules(): ModulesContainer } }).container;
  for (const module of container.getModules().values()) {
    for (const wrapper of module.controllers.values()) {
      const controller = wrapper.metatype as Type<unknown> | undefined;
      if (!controller) continue;
      const prefixes = ([] as string[]).concat(Reflect.getMetadata(PATH_METADATA, controller) ?? '/');
      for (const name of scanner.getAllMethodNames(controller.prototype)) {
        const handler = (controller.prototype as Record<string, unknown>)[name] as () => unknown;
        const paths = Reflect.getMetadata(PATH_METADATA, handler) as string | string[] | undefined;
        const requestMethod = Reflect.getMetadata(METHOD_METADATA, handler) as RequestMethod | undefined;
        if (paths === undefined || requestMethod === undefined) continue;
        const args = (Reflect.getMetadata(ROUTE_ARGS_METADATA, controller, name) ?? {}) as Record<string, { index: number }>;
        const types = (Reflect.getMetadata('design:paramtypes', controller.prototype, name) ?? []) as Array<Type<unknown>>;
        const argOf = (kind: RouteParamtypes) => Object.entries(args).find(([k]) => Number(k.split(':')[0]) === kind)?.[1];
        const body = argOf(RouteParamtypes.BODY);
        const query = argOf(RouteParamtypes.QUERY);
        for (const prefix of prefixes) {
          for (const sub of ([] as string[]).concat(paths)) {
            const joined = `/${[prefix, sub].map((p) => p.replace(/^\/+|\/+$/g, '')).filter(Boolean).join('/')}`.replace(/:(\w+)/g, '{$1}');
            const method = RequestMethod[requestMethod].toLowerCase();
            routes.push({
              key: `${method} ${joined}`,
              method,
              path: joined,
              isPublic: reflector.getAllAndOverride<boolean>(IS_PUBLIC, [handler, controller]) === true,
              roles: reflector.getAllAndOverride<string[]>(ROLES, [handler, controller]) ?? [],
              body: body && types[body.index],
              query: query && types[query.index],
              hasParams: argOf(RouteParamtypes.PARAM) !== undefined,
            });
          }
        }
      }
    }
  }
  return routes.sort((a, b) => a.key.localeCompare(b.key));
}

function resolve(doc: Doc, schema: Schema | undefined): Schema | undefined {
  let s = schema;
  for (let i = 0; s?.$ref && i < 10; i++) s = doc.components.schemas[String(s.$ref).replace('#/components/schemas/', '')];
  if (s?.allOf?.length === 1) return resolve(doc, s.allOf[0]);
  return s;
}

function validationRules(dto: Type<unknown>): Map<string, ValidationMetadata[]> {
  const rules = new Map<string, ValidationMetadata[]>();
  for (const meta of getMetadataStorage().getTargetValidationMetadatas(dto, '', true, false)) {
    rules.set(meta.propertyName, [...(rules.get(meta.propertyName) ?? []), meta]);
  }
  return rules;
}

/** What the document must say about one property, given the class-validator rules the app enforces on it. */
function mirrorProblems(field: string, schema: Schema | undefined, rules: ValidationMetadata[]): string[] {
  if (!schema) return [`${field}: validated but not documented`];
  const problems: string[] = [];
  if (schema.example === undefined) problems.push(`${field}: no example`);
  for (const rule of rules) {
    const [c0, c1] = rule.constraints ?? [];
    switch (rule.name) {
      case 'min':
        if (schema.minimum !== c0) problems.push(`${field}: @Min(${c0}) but minimum is ${schema.minimum}`);
        break;
      case 'max':
        if (schema.maximum !== c0) problems.push(`${field}: @Max(${c0}) but maximum is ${schema.maximum}`);
        break;
      case 'minLength':
        if (schema.minLength !== c0) problems.push(`${field}: @MinLength(${c0}) but minLength is ${schema.minLength}`);
        break;
      case 'maxLength':
        if (schema.maxLength !== c0) problems.push(`${field}: @MaxLength(${c0}) but maxLength is ${schema.maxLength}`);
        break;
      case 'isLength':
        if (schema.minLength !== c0 || schema.maxLength !== c1) problems.push(`${field}: @Length(${c0}, ${c1}) but minLength/maxLength are ${schema.minLength}/${schema.maxLength}`);
        break;
      case 'isNotEmpty':
        if (!(schema.minLength >= 1)) problems.push(`${field}: @IsNotEmpty but no minLength >= 1`);
        break;
      case 'matches':
        if (typeof schema.pattern !== 'string') problems.push(`${field}: @Matches but no pattern`);
        break;
      case 'isInt':
        if (schema.type !== 'integer') problems.push(`${field}: @IsInt but type is ${schema.type}`);
        break;
      case 'isIn': {
        // `{ each: true }` on an array: every item is one of the values, so the items carry the enum.
        const values = rule.each && schema.type === 'array' ? schema.items?.enum : schema.enum;
        if (JSON.stringify([...(values ?? [])].sort()) !== JSON.stringify([...(c0 as unknown[])].sort())) {
          problems.push(`${field}: @IsIn(${JSON.stringify(c0)}) but enum is ${JSON.stringify(values)}`);
        }
        break;
      }
      case 'isUuid':
        if (schema.format !== 'uuid') problems.push(`${field}: @IsUUID but format is ${schema.format}`);
        break;
      default:
        break;
    }
  }
  if ((schema.type === 'number' || schema.type === 'integer') && rules.some((r) => r.name === 'min' || r.name === 'max')) {
    if (schema.minimum === undefined || schema.maximum === undefined) problems.push(`${field}: numeric with limits but minimum/maximum missing`);
  }
  return problems;
}

/** A complete example body can be built: the media type carries one, or every property of the schema has one. */
function hasBodyExample(doc: Doc, media: Schema): boolean {
  if (media.example !== undefined || (media.examples && Object.keys(media.examples).length)) return true;
  const schema = resolve(doc, media.schema);
  if (!schema) return false;
  if (schema.example !== undefined) return true;
  const properties = Object.values(schema.properties ?? {}) as Schema[];
  return properties.length > 0 && properties.every((p) => p.example !== undefined || resolve(doc, p)?.example !== undefined);
}

/** The example a reader sees for a parameter: its own, its schema's, or the first of its named examples. */
function parameterExample(p: Schema): unknown {
  if (p.example !== undefined) return p.example;
  if (p.schema?.example !== undefined) return p.schema.example;
  const named = Object.values(p.examples ?? {}) as Schema[];
  return named.length ? named[0].value : undefined;
}

function firstDifference(a: string, b: string): string {
  const left = a.split('\n');
  const right = b.split('\n');
  for (let i = 0; i < Math.max(left.length, right.length); i++) {
    if (left[i] !== right[i]) return `line ${i + 1}:\n  committed: ${left[i] ?? '(end of file)'}\n  app:       ${right[i] ?? '(end of file)'}`;
  }
  return '(no line differs)';
}

describe('OpenAPI document: complete enough to build a front end from', () => {
  let t: TestApp;
  let doc: Doc;
  let routes: AppRoute[];
  const operations: Array<{ key: string; method: string; path: string; op: Operation }> = [];

  beforeAll(async () => {
    t = await createTestApp({ label: 'openapi' });
    doc = (await t.http().get('/docs-json').expect(200)).body as Doc;
    const preview = await createPreviewApp();
    try {
      routes = appRoutes(preview);
    } finally {
      await preview.close();
    }
    for (const [path, item] of Object.entries(doc.paths)) {
      for (const method of METHODS) if (item[method]) operations.push({ key: `${method} ${path}`, method, path, op: item[method] });
    }
  });

  afterAll(async () => {
    await t?.close();
  });

  it('documents every route the app serves, and nothing else', () => {
    expect(routes.length).toBeGreaterThan(20);
    const documented = new Set(operations.map((o) => o.key));
    const served = new Set(routes.map((r) => r.key));
    expect({ undocumented: routes.map((r) => r.key).filter((k) => !documented.has(k)), notServed: [...documented].filter((k) => !served.has(k)) }).toEqual({
      undocumented: [],
      notServed: [],
    });
  });

  it('gives every operation a summary, one module tag and a unique operationId', () => {
    const tagNames = new Set(doc.tags.map((tag) => tag.name));
    const seen = new Map<string, string>();
    const offenders: string[] = [];
    for (const { key, op } of operations) {
      if (typeof op.summary !== 'string' || op.summary.trim().length < 5) offenders.push(`${key}: no summary`);
      if (!Array.isArray(op.tags) || op.tags.length !== 1) offenders.push(`${key}: needs exactly one tag, has ${JSON.stringify(op.tags)}`);
      else if (!tagNames.has(op.tags[0])) offenders.push(`${key}: tag ${op.tags[0]} is not declared in the document's tags`);
      if (typeof op.operationId !== 'string' || !/^[a-z][A-Za-z]+$/.test(op.operationId)) offenders.push(`${key}: operationId ${op.operationId} is not an explicit camelCase name`);
      else if (seen.has(op.operationId)) offenders.push(`${key}: operationId ${op.operationId} also used by ${seen.get(op.operationId)}`);
      else seen.set(op.operationId, key);
    }
    expect(offenders).toEqual([]);
    expect(doc.tags.map((tag) => tag.name)).toEqual(['auth', 'users', 'wallet', 'transfers', 'holds', 'events', 'webhooks', 'reports', 'health']);
  });

  it('documents a 2xx answer with its schema (JSON, or the explicit CSV/text media type)', () => {
    const offenders: string[] = [];
    for (const { key, op } of operations) {
      const successes = Object.entries(op.responses ?? {}).filter(([status]) => /^2\d\d$/.test(status));
      if (!successes.length) {
        offenders.push(`${key}: no 2xx response`);
        continue;
      }
      for (const [status, response] of successes as Array<[string, Schema]>) {
        const media = Object.entries(response.content ?? {}) as Array<[string, Schema]>;
        if (!media.length) offenders.push(`${key} ${status}: no content`);
        for (const [type, content] of media) {
          if (!content.schema) offenders.push(`${key} ${status} ${type}: no schema`);
          if (type === 'application/json') {
            const schema = resolve(doc, content.schema);
            if (!schema?.properties?.status || !schema.properties.result) offenders.push(`${key} ${status}: JSON answer is not the {status, result} envelope`);
          } else if (!['text/csv', 'text/plain', 'text/event-stream'].includes(type)) {
            offenders.push(`${key} ${status}: unexpected media type ${type}`);
          } else if (content.schema?.type !== 'string' || content.schema.example === undefined) {
            offenders.push(`${key} ${status} ${type}: needs a string schema with an example`);
          }
        }
      }
    }
    expect(offenders).toEqual([]);
  });

  it('documents every failure status with the JSON error envelope, and the statuses each route can answer', () => {
    const offenders: string[] = [];
    for (const route of routes) {
      const op = doc.paths[route.path]?.[route.method];
      if (!op) continue;
      const statuses = Object.keys(op.responses ?? {});
      for (const [status, response] of Object.entries(op.responses ?? {}) as Array<[string, Schema]>) {
        if (!/^[45]\d\d$/.test(status)) continue;
        const media = response.content ?? {};
        const schema = media['application/json']?.schema;
        if (schema?.allOf?.[0]?.$ref !== ERROR_REF) offenders.push(`${route.key} ${status}: not application/json with ${ERROR_REF} (narrowed with allOf)`);
        const other = Object.keys(media).filter((type) => type !== 'application/json');
        if (other.length) offenders.push(`${route.key} ${status}: error documented as ${other.join(', ')} (failures are always JSON)`);
      }
      const clientErrors = statuses.filter((s) => /^4\d\d$/.test(s));
      if (NO_CLIENT_ERRORS.has(route.key)) {
        if (!route.isPublic || route.body || route.query || route.hasParams) offenders.push(`${route.key}: takes input or a token, so it must document its 4xx answers`);
      } else if (!clientErrors.length) {
        offenders.push(`${route.key}: no 4xx response`);
      }
      if (!route.isPublic && !statuses.includes('401')) offenders.push(`${route.key}: protected but 401 is not documented`);
      if (route.roles.length && !statuses.includes('403')) offenders.push(`${route.key}: restricted to ${route.roles.join(', ')} but 403 is not documented`);
      if ((route.body || route.query || route.hasParams) && !statuses.includes('400')) offenders.push(`${route.key}: takes input but 400 is not documented`);
    }
    expect(offenders).toEqual([]);
  });

  it("narrows each failure's `code` to the codes the route documents, and declares every extra field its examples carry", () => {
    const offenders: string[] = [];
    for (const { key, op } of operations) {
      for (const [status, response] of Object.entries(op.responses ?? {}) as Array<[string, Schema]>) {
        if (!/^[45]\d\d$/.test(status)) continue;
        const media = response.content?.['application/json'] ?? {};
        const narrowed = media.schema?.allOf?.[1] ?? {};
        const codes: string[] = narrowed.properties?.code?.enum ?? [];
        for (const example of Object.values(media.examples ?? {}) as Schema[]) {
          const value = example.value as Schema;
          if (!codes.includes(value.code)) offenders.push(`${key} ${status}: example code ${value.code} is not in the enum ${JSON.stringify(codes)}`);
          for (const field of Object.keys(value)) {
            if (!['message', 'code', 'errors'].includes(field) && !narrowed.properties?.[field]) offenders.push(`${key} ${status}: ${field} is answered but not declared`);
          }
        }
        if (!codes.length) offenders.push(`${key} ${status}: no code enum`);
      }
    }
    expect(offenders).toEqual([]);
    // The fields the issue named, where a client meets them.
    const declared = (path: string, method: string, status: string) => Object.keys(doc.paths[path][method].responses[status].content['application/json'].schema.allOf[1].properties);
    expect(declared('/login', 'post', '423')).toContain('retry_after_seconds');
    expect(declared('/users/lookup', 'get', '429')).toContain('retry_after_seconds');
    expect(declared('/topup', 'post', '422')).toContain('max_balance');
    expect(declared('/health/ready', 'get', '503')).toContain('checks');
    expect(doc.components.schemas.ErrorResponseDto.properties.errors).toBeDefined();
  });

  it('documents Idempotency-Key (canonical casing, no example to prefill) and Idempotent-Replayed on the money routes', () => {
    for (const [path, status] of [['/topup', '201'], ['/pay', '201'], ['/transfer', '202'], ['/holds', '201']]) {
      const op = doc.paths[path].post;
      const headers = (op.parameters ?? []).filter((p: Schema) => p.in === 'header');
      expect(headers).toEqual([expect.objectContaining({ name: 'Idempotency-Key', required: false, schema: expect.objectContaining({ format: 'uuid', pattern: expect.any(String) }) })]);
      expect(parameterExample(headers[0])).toBeUndefined();
      expect(op.responses[status].headers?.['Idempotent-Replayed']).toMatchObject({ schema: { type: 'string', enum: ['true'] } });
      expect(op.responses['422'].headers?.['Idempotent-Replayed']).toBeDefined();
    }
  });

  it('lists report entries as a union of top-up, payment, transfer and hold entries, each requiring its id', () => {
    const items = doc.paths['/transactions'].get.responses['200'].content['application/json'].schema.properties.result.items;
    const variants = (items.oneOf as Schema[]).map((v) => resolve(doc, v)!);
    expect(variants.map((v) => v.required.filter((f: string) => f.endsWith('_id') && f !== 'user_id'))).toEqual([['top_up_id'], ['payment_id'], ['transfer_id'], ['hold_id']]);
  });

  it('documents the JSON of every event type of GET /events with a schema of its own, told apart by `type`', () => {
    const media = doc.paths['/events'].get.responses['200'].content['text/event-stream'];
    const union = media['x-event-data'] as Schema;
    const variants = (union.oneOf as Schema[]).map((v) => resolve(doc, v)!);
    expect(variants.map((v) => v.properties.type.enum)).toEqual(EVENT_TYPES.map((type) => [type]));
    for (const v of variants) expect(v.required).toEqual(['id', 'event_id', 'type', 'user_id', 'created_date', 'data']);
    expect(Object.keys(union.discriminator.mapping)).toEqual([...EVENT_TYPES]);
    expect(resolve(doc, variants[EVENT_TYPES.indexOf('wallet.frozen')].properties.data)!.required).toEqual(['user_id', 'wallet_frozen', 'version', 'updated_date']);
  });

  it('names a server: the request\'s own address when PUBLIC_BASE_URL is unset, http://127.0.0.1:3000 in openapi.json', () => {
    expect((doc as Schema).servers).toHaveLength(1);
    expect(JSON.parse(readFileSync(OPENAPI_FILE, 'utf8')).servers).toEqual([{ url: DEFAULT_BASE_URL }]);
    if (!process.env.E2E_BASE_URL) expect((doc as Schema).servers[0].url).toBe(t.baseUrl);
  });

  it('puts the Bearer scheme on every protected route and on no public one', () => {
    expect(doc.components.securitySchemes.bearer).toMatchObject({ type: 'http', scheme: 'bearer', bearerFormat: 'JWT' });
    const offenders: string[] = [];
    for (const route of routes) {
      const op = doc.paths[route.path]?.[route.method];
      if (!op) continue;
      const security = op.security ?? [];
      if (route.isPublic && security.length) offenders.push(`${route.key}: public (@Public) but documented with security ${JSON.stringify(security)}`);
      if (!route.isPublic && JSON.stringify(security) !== JSON.stringify([{ bearer: [] }])) offenders.push(`${route.key}: protected but security is ${JSON.stringify(op.security)}`);
    }
    expect(offenders).toEqual([]);
  });

  it('documents request bodies with a schema and an example, exactly on the routes that read one', () => {
    const offenders: string[] = [];
    for (const route of routes) {
      const op = doc.paths[route.path]?.[route.method];
      if (!op) continue;
      if (!route.body) {
        if (op.requestBody) offenders.push(`${route.key}: reads no body but documents one`);
        continue;
      }
      const media = op.requestBody?.content?.['application/json'];
      if (!media?.schema) {
        offenders.push(`${route.key}: reads a body but documents no application/json schema`);
        continue;
      }
      if (op.requestBody.required !== true) offenders.push(`${route.key}: request body not marked required`);
      if (media.schema.$ref !== `#/components/schemas/${route.body.name}`) offenders.push(`${route.key}: body schema ${media.schema.$ref} is not ${route.body.name}`);
      if (!hasBodyExample(doc, media)) offenders.push(`${route.key}: no example request body can be built (give every property an example)`);
    }
    expect(offenders).toEqual([]);
  });

  it('gives every request-body property an example and mirrors its class-validator rules (limits, lengths, patterns, enums)', () => {
    const offenders: string[] = [];
    const dtos = new Map(routes.filter((r) => r.body).map((r) => [r.body!.name, r.body!]));
    expect(dtos.size).toBeGreaterThan(5);
    for (const [name, dto] of dtos) {
      const schema = doc.components.schemas[name];
      if (!schema) {
        offenders.push(`${name}: no schema`);
        continue;
      }
      for (const [property, propertySchema] of Object.entries(schema.properties ?? {}) as Array<[string, Schema]>) {
        if (propertySchema.example === undefined) offenders.push(`${name}.${property}: no example`);
      }
      for (const [property, rules] of validationRules(dto)) {
        offenders.push(...mirrorProblems(property, schema.properties?.[property], rules).map((p) => `${name}.${p}`));
      }
    }
    expect(offenders).toEqual([]);
  });

  it('gives every property of every schema an example (Swagger UI and the Postman collection show them)', () => {
    const offenders: string[] = [];
    const walk = (schema: Schema | undefined, where: string): void => {
      if (!schema || typeof schema !== 'object' || schema.$ref) return;
      for (const [name, property] of Object.entries(schema.properties ?? {}) as Array<[string, Schema]>) {
        const nested = property.$ref || property.allOf || property.type === 'object' || property.type === 'array';
        if (!nested && property.example === undefined) offenders.push(`${where}.${name}`);
        walk(property, `${where}.${name}`);
      }
      walk(schema.items, `${where}[]`);
      for (const key of ['oneOf', 'anyOf', 'allOf']) (schema[key] ?? []).forEach((s: Schema, i: number) => walk(s, `${where}.${key}[${i}]`));
    };
    for (const [name, schema] of Object.entries(doc.components.schemas)) walk(schema, name);
    for (const { key, op } of operations) {
      for (const [status, response] of Object.entries(op.responses ?? {}) as Array<[string, Schema]>) {
        for (const [type, media] of Object.entries(response.content ?? {}) as Array<[string, Schema]>) walk(media.schema, `${key} ${status} ${type}`);
      }
    }
    expect(offenders).toEqual([]);
  });

  it('describes every parameter (path, query, header); required ones have an example, optional ones nothing Swagger UI would prefill; mirrors the query validation', () => {
    const offenders: string[] = [];
    for (const route of routes) {
      const op = doc.paths[route.path]?.[route.method];
      if (!op) continue;
      const parameters = (op.parameters ?? []) as Schema[];
      const names = new Set<string>();
      for (const p of parameters) {
        const id = `${p.in}:${String(p.name).toLowerCase()}`;
        if (names.has(id)) offenders.push(`${route.key}: parameter ${p.in} ${p.name} documented twice`);
        names.add(id);
        if (typeof p.description !== 'string' || !p.description.trim()) offenders.push(`${route.key}: ${p.in} parameter ${p.name} has no description`);
        const example = parameterExample(p);
        if (p.required && example === undefined) offenders.push(`${route.key}: ${p.in} parameter ${p.name} has no example`);
        // Swagger UI's "Try it out" sends an optional parameter's example: a filter would empty the report, a key would replay.
        if (!p.required && example !== undefined && example !== '') offenders.push(`${route.key}: optional ${p.in} parameter ${p.name} has the example ${JSON.stringify(example)}, which Swagger UI would send`);
      }
      for (const placeholder of route.path.match(/\{(\w+)\}/g) ?? []) {
        const name = placeholder.slice(1, -1);
        if (!parameters.some((p) => p.in === 'path' && p.name === name && p.required === true)) offenders.push(`${route.key}: path parameter ${name} not documented as required`);
      }
      if (route.query) {
        for (const [property, rules] of validationRules(route.query)) {
          const parameter = parameters.find((p) => p.in === 'query' && p.name === property);
          // Optional query parameters have no example on purpose (see above): the rest of the mirror applies.
          const schema = parameter && { ...parameter.schema, example: parameterExample(parameter) ?? (parameter.required ? undefined : '(none on purpose)') };
          offenders.push(...mirrorProblems(property, schema, rules).map((p) => `${route.key} query ${p}`));
        }
      }
    }
    expect(offenders).toEqual([]);
  });

  it('is the committed openapi.json (regenerate it with `npm run openapi:export`)', () => {
    const committed = readFileSync(OPENAPI_FILE, 'utf8');
    // The served document names the address it was fetched from (no PUBLIC_BASE_URL here); the file names the default.
    const served = toJsonFile({ ...doc, servers: [{ url: DEFAULT_BASE_URL }] });
    if (committed !== served) {
      throw new Error(
        `openapi.json differs from the document the app serves at /docs-json: run \`npm run openapi:export\` and commit openapi.json ` +
          `and postman/dompet.postman_collection.json.\nFirst difference at ${firstDifference(committed, served)}`,
      );
    }
  });

  it('matches the committed Postman workflow, which calls every documented operation', () => {
    const committed = readFileSync(POSTMAN_FILE, 'utf8');
    const generated = toJsonFile(createWorkflowCollection({ ...doc, servers: [{ url: DEFAULT_BASE_URL }] } as never));
    if (committed !== generated) {
      throw new Error(
        `postman/dompet.postman_collection.json is not generated from the current document: run \`npm run openapi:export\` and commit it.\n` +
          `First difference at ${firstDifference(committed, generated)}`,
      );
    }
    const called = new Set(workflowOperations());
    expect(operations.map((o) => o.key).filter((key) => !called.has(key))).toEqual([]);
    const collection = JSON.parse(committed);
    expect(collection.variable).toEqual(expect.arrayContaining([expect.objectContaining({ key: 'baseUrl', value: DEFAULT_BASE_URL })]));
    expect(collection.auth).toEqual({ type: 'bearer', bearer: [{ key: 'token', value: '{{accessToken}}', type: 'string' }] });
    const requests: Array<{ method: string; url: { path: string[]; host: string[] }; auth?: { type: string } }> = [];
    const walk = (items: Array<{ item?: unknown[]; request?: (typeof requests)[number] }>) =>
      items.forEach((i) => (i.item ? walk(i.item as never) : requests.push(i.request!)));
    walk(collection.item);
    for (const request of requests) {
      expect(request.url.host).toEqual(['{{baseUrl}}']);
      const route = routes.find((r) => r.method === request.method.toLowerCase() && new RegExp(`^${r.path.replace(/\{\w+\}/g, '[^/]+')}$`).test(`/${request.url.path.join('/')}`));
      // Public routes send no token; protected ones inherit the user's bearer or name another token.
      expect({ path: request.url.path.join('/'), public: route?.isPublic, auth: request.auth?.type ?? 'inherited' }).toEqual({
        path: request.url.path.join('/'),
        public: route?.isPublic,
        auth: route?.isPublic ? 'noauth' : expect.stringMatching(/^(inherited|bearer)$/),
      });
    }
  });
});
