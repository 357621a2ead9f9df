import { INestApplication } from '@nestjs/common';
import { NestExpressApplication } from '@nestjs/platform-express';
import { DocumentBuilder, OpenAPIObject, SwaggerModule } from '@nestjs/swagger';
import helmet from 'helmet';
import { Logger } from 'nestjs-pino';
import { AppConfig } from './config/app-config';
import { AllExceptionsFilter } from './common/filters/all-exceptions.filter';
import { bodyGuard } from './common/http/body-guard';
import { IDEMPOTENT_REPLAYED, idempotentReplayContext } from './common/http/idempotent-replay';
import { LowerCaseUuidParamsPipe } from './common/http/uuid-params';
import { createValidationPipe } from './common/http/validation';

/** The tags of the document, one per module, in the order Swagger UI and the Postman collection show them. */
export const OPENAPI_TAGS: Array<{ name: string; description: string }> = [
  { name: 'auth', description: 'Registration, login, rotating refresh tokens, logout and PIN change. Rate limited per client address.' },
  { name: 'users', description: 'My profile and balance; a directory of transfer targets and a phone lookup; user management for administrators.' },
  { name: 'wallet', description: 'Top-ups and payments (integer Rupiah; `Idempotency-Key` honoured).' },
  { name: 'transfers', description: 'Transfers to another user: debited at once, credited in the background; their state.' },
  { name: 'holds', description: 'Payment holds: money held at once, then captured (in full or in part) or released; voided automatically at `expires_at`. Exactly one outcome per hold.' },
  { name: 'events', description: 'Live wallet events: a Server-Sent Events stream of every change to the wallet (resumable with `Last-Event-ID`), and single-use stream tickets for browsers.' },
  { name: 'webhooks', description: 'Signed event deliveries to integrators (administrators): endpoints, the delivery log and manual redelivery. See docs/webhooks.md.' },
  { name: 'reports', description: 'The transaction report: paged and filtered listing, period totals and CSV export.' },
  { name: 'health', description: 'Liveness, readiness and Prometheus metrics (no authentication).' },
];

/** Sorts an object's own keys (a shallow copy): the document lists paths and schemas in a stable order. */
function sortedKeys<T>(record: Record<string, T> | undefined): Record<string, T> | undefined {
  return record && Object.fromEntries(Object.entries(record).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)));
}

/** The `servers` entry of the committed `openapi.json`: where `npm run start:local` serves the API. */
export const DEFAULT_PUBLIC_BASE_URL = 'http://127.0.0.1:3000';

/**
 * The OpenAPI document served at `/docs-json` and committed as `openapi.json` (`npm run openapi:export`).
 * It depends on the code and `serverUrl` only (no other configuration, host or port), and paths and
 * schemas are sorted, so the same code always gives the same document.
 */
export function buildOpenApiDocument(app: INestApplication, serverUrl = DEFAULT_PUBLIC_BASE_URL): OpenAPIObject {
  const builder = new DocumentBuilder()
    .setTitle('Dompet API')
    .setDescription(
      'Dompet e-wallet API: register with a phone number and PIN, top up, pay, transfer to another user ' +
        '(executed in the background), read the transaction report and manage the profile.\n\n' +
        'Successful answers are `{"status":"SUCCESS","result":...}` (lists add `pagination`); failures are ' +
        '`{"message":...,"code":...}` (`ErrorResponseDto`), validation failures add per-field `errors`. ' +
        'Money is integer Rupiah. Dates are `YYYY-MM-DD HH:mm:ss` in the configured time zone (default Asia/Jakarta).\n\n' +
        'Authentication: `POST /login` answers an `access_token` (5 minutes by default) and a `refresh_token`; send ' +
        '`Authorization: Bearer <access_token>` on every route marked with the lock, and exchange the refresh token at ' +
        '`POST /refresh-token` when the access token expires.',
    )
    .setVersion('1.0.0')
    .addServer(serverUrl)
    .addBearerAuth({ type: 'http', scheme: 'bearer', bearerFormat: 'JWT', description: 'Access token from POST /login' }, 'bearer');
  for (const tag of OPENAPI_TAGS) builder.addTag(tag.name, tag.description);
  const document = SwaggerModule.createDocument(app, builder.build());
  document.paths = sortedKeys(document.paths)!;
  if (document.components) document.components.schemas = sortedKeys(document.components.schemas);
  return document;
}

/** Everything `main.ts` and the e2e tests both apply to an HTTP application. */
export function configureApp(app: NestExpressApplication, config: AppConfig): void {
  app.useLogger(app.get(Logger));
  app.disable('x-powered-by');
  app.set('trust proxy', 'loopback');
  const strict = helmet();
  const relaxed = helmet({ contentSecurityPolicy: false });
  app.use((req: { path: string }, res: unknown, next: () => void) =>
    (req.path.startsWith('/docs') || req.path.startsWith('/admin/queues') ? relaxed : strict)(req as never, res as never, next),
  );
  app.useBodyParser('json', { limit: config.bodyLimit });
  app.useBodyParser('urlencoded', { limit: config.bodyLimit, extended: false });
  // Right after parsing, before anything walks the body recursively: nesting depth, `__proto__` and
  // `constructor` keys, lone surrogates (400 VALIDATION_FAILED).
  app.use(bodyGuard());
  app.use(idempotentReplayContext());
  if (config.corsOrigins.length) {
    app.enableCors({ origin: config.corsOrigins.includes('*') ? true : config.corsOrigins, exposedHeaders: ['X-Request-Id', 'Retry-After', IDEMPOTENT_REPLAYED] });
  }
  app.useGlobalPipes(new LowerCaseUuidParamsPipe(), createValidationPipe());
  app.useGlobalFilters(new AllExceptionsFilter());
  app.enableShutdownHooks();
  const document = buildOpenApiDocument(app, config.publicBaseUrl);
  SwaggerModule.setup('docs', app, document, {
    jsonDocumentUrl: 'docs-json',
    // Without PUBLIC_BASE_URL the document names the address it was fetched from, so Swagger UI's
    // "Try it out" and clients generated from /docs-json reach this server whatever its port.
    ...(config.publicBaseUrl
      ? {}
      : {
          patchDocumentOnRequest: <TRequest>(req: TRequest, _res: unknown, doc: OpenAPIObject): OpenAPIObject => {
            const r = req as unknown as { protocol: string; get(name: string): string | undefined };
            return { ...doc, servers: [{ url: `${r.protocol}://${r.get('host') ?? '127.0.0.1'}` }] };
          },
        }),
    customSiteTitle: 'Dompet API',
    swaggerOptions: { persistAuthorization: true, displayRequestDuration: true },
  });
}
