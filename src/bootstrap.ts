import { INestApplication } from '@nestjs/common';
import { NestExpressApplication } from '@nestjs/platform-express';
import { DocumentBuilder, SwaggerModule } from '@nestjs/swagger';
import helmet from 'helmet';
import { Logger } from 'nestjs-pino';
import { AppConfig } from './config/app-config';
import { AllExceptionsFilter } from './common/filters/all-exceptions.filter';
import { createValidationPipe } from './common/http/validation';

export function buildOpenApiDocument(app: INestApplication) {
  const config = new DocumentBuilder()
    .setTitle('Dompet API')
    .setDescription(
      'Dompet e-wallet API: register with a phone number and PIN, top up, pay, transfer to another user ' +
        '(executed in the background), read the transaction report and manage the profile. ' +
        'Successful answers are `{"status":"SUCCESS","result":...}`; failures are `{"message":...,"code":...}`. ' +
        'Money is integer Rupiah. Dates are `YYYY-MM-DD HH:mm:ss` in the configured time zone (default Asia/Jakarta).',
    )
    .setVersion('1.0.0')
    .addBearerAuth({ type: 'http', scheme: 'bearer', bearerFormat: 'JWT', description: 'Access token from POST /login' }, 'bearer')
    .build();
  return SwaggerModule.createDocument(app, config);
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
  if (config.corsOrigins.length) {
    app.enableCors({ origin: config.corsOrigins.includes('*') ? true : config.corsOrigins, exposedHeaders: ['X-Request-Id', 'Retry-After'] });
  }
  app.useGlobalPipes(createValidationPipe());
  app.useGlobalFilters(new AllExceptionsFilter());
  app.enableShutdownHooks();
  const document = buildOpenApiDocument(app);
  SwaggerModule.setup('docs', app, document, {
    jsonDocumentUrl: 'docs-json',
    customSiteTitle: 'Dompet API',
    swaggerOptions: { persistAuthorization: true, displayRequestDuration: true },
  });
}
