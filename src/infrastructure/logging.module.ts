import { Module } from '@nestjs/common';
import { randomUUID } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { LoggerModule } from 'nestjs-pino';
import type { Options as PinoHttpOptions } from 'pino-http';
import { AppConfig } from '../config/app-config';

const REQUEST_ID = /^[A-Za-z0-9._-]{1,100}$/;
const REDACTED = '[redacted]';

/** Query parameters whose value is a credential: `access_token`, `refresh_token`, `token`, `ticket`, `id_token`, `api_key`, `pin`, … */
const SECRET_PARAMETER = /token|ticket|jwt|secret|password|passwd|signature|session|credential|^(old_|new_)?pin$|api[_-]?key|^auth/i;
/** Anything shaped like a JWT (three base64url parts, the first one a JSON header), wherever it appears in a URL. */
const JWT_LIKE = /eyJ[A-Za-z0-9_-]{4,}\.[A-Za-z0-9_-]{4,}\.[A-Za-z0-9_-]*/g;

/**
 * The URL as it may be logged: the value of every query parameter that looks like a credential is
 * replaced by `[redacted]`, and so is anything shaped like a JWT anywhere in it.
 */
export function redactUrl(url: string | undefined): string | undefined {
  if (typeof url !== 'string') return url;
  const q = url.indexOf('?');
  let path = q < 0 ? url : url.slice(0, q);
  let query = q < 0 ? '' : url.slice(q + 1);
  if (query) {
    query = query
      .split('&')
      .map((pair) => {
        const eq = pair.indexOf('=');
        const rawName = eq < 0 ? pair : pair.slice(0, eq);
        let name = rawName;
        try {
          name = decodeURIComponent(rawName.replace(/\+/g, ' '));
        } catch {
          // a malformed escape: judge the raw name
        }
        return eq >= 0 && SECRET_PARAMETER.test(name) ? `${rawName}=${REDACTED}` : pair;
      })
      .join('&');
  }
  path = path.replace(JWT_LIKE, REDACTED);
  query = query.replace(JWT_LIKE, REDACTED);
  return q < 0 ? path : `${path}?${query}`;
}

/**
 * Where a credential could sit in a log line: request and response headers (if a serializer or an
 * error ever carries them), and the credential fields of request bodies.
 */
export const REDACTED_LOG_PATHS = [
  'req.headers.authorization',
  'req.headers.cookie',
  'req.headers["x-api-key"]',
  'res.headers["set-cookie"]',
  'headers.authorization',
  'headers.cookie',
  'headers["set-cookie"]',
  '*.headers.authorization',
  '*.headers.cookie',
  '*.headers["set-cookie"]',
  'req.body.pin',
  'req.body.old_pin',
  'req.body.new_pin',
  'req.body.refresh_token',
  'req.body.access_token',
];

/** The pino-http options of the service (exported so that tests can check what a log line holds). */
export function httpLoggerOptions(config: Pick<AppConfig, 'logLevel'>): PinoHttpOptions {
  return {
    level: config.logLevel,
    genReqId: (req: IncomingMessage, res: ServerResponse) => {
      const incoming = req.headers['x-request-id'];
      const id = typeof incoming === 'string' && REQUEST_ID.test(incoming) ? incoming : randomUUID();
      res.setHeader('X-Request-Id', id);
      return id;
    },
    customProps: (req: IncomingMessage) => ({ request_id: (req as IncomingMessage & { id?: string }).id }),
    redact: { paths: REDACTED_LOG_PATHS, censor: REDACTED },
    serializers: {
      // Only these fields: no headers (Authorization, Cookie), and the URL without credentials (?access_token=…).
      req: (req: { id: string; method: string; url: string }) => ({ id: req.id, method: req.method, url: redactUrl(req.url) }),
      // The status only: response headers may carry Set-Cookie with a session credential.
      res: (res: { statusCode: number }) => ({ statusCode: res.statusCode }),
    },
    autoLogging: { ignore: (req: IncomingMessage) => req.url === '/health/live' || req.url === '/metrics' },
  };
}

/**
 * Structured JSON logs; every line of a request carries its id, which is echoed as `X-Request-Id`.
 * Logs never hold credentials: see `httpLoggerOptions`.
 */
@Module({
  imports: [
    LoggerModule.forRootAsync({
      inject: [AppConfig],
      useFactory: (config: AppConfig) => ({ pinoHttp: httpLoggerOptions(config) }),
    }),
  ],
})
export class LoggingModule {}
