import { ArgumentsHost, Catch, ExceptionFilter, HttpException, HttpStatus, Logger } from '@nestjs/common';
import { ThrottlerException } from '@nestjs/throttler';
import type { Request, Response } from 'express';
import { DependencyUnavailableError, DomainError, dependencyOf } from '../errors';

interface ErrorBody {
  message: string;
  code?: string;
  [key: string]: unknown;
}

const STATUS_CODES: Record<number, string> = {
  400: 'BAD_REQUEST',
  401: 'UNAUTHENTICATED',
  403: 'FORBIDDEN',
  404: 'NOT_FOUND',
  405: 'METHOD_NOT_ALLOWED',
  409: 'CONFLICT',
  413: 'PAYLOAD_TOO_LARGE',
  415: 'UNSUPPORTED_MEDIA_TYPE',
  422: 'UNPROCESSABLE',
  429: 'RATE_LIMITED',
  503: 'SERVICE_UNAVAILABLE',
};

/**
 * The single place where any error becomes an HTTP answer in the SPEC envelope.
 * Domain errors keep their code and message; framework errors get a clear sentence;
 * dependency outages are 503; anything else is a logged 500 without internals.
 */
@Catch()
export class AllExceptionsFilter implements ExceptionFilter {
  private readonly logger = new Logger('Errors');

  catch(exception: unknown, host: ArgumentsHost): void {
    if (host.getType() !== 'http') throw exception;
    const ctx = host.switchToHttp();
    const response = ctx.getResponse<Response>();
    const request = ctx.getRequest<Request & { id?: string }>();
    const { status, body } = this.toResponse(exception, request);
    if (response.headersSent) return;
    if ((status === 429 || status === 423) && typeof body.retry_after_seconds === 'number') {
      response.setHeader('Retry-After', String(body.retry_after_seconds));
    }
    response.status(status).json(body);
  }

  private toResponse(exception: unknown, request: Request & { id?: string }): { status: number; body: ErrorBody } {
    if (exception instanceof DomainError) {
      return { status: exception.status, body: { message: exception.message, code: exception.code, ...exception.details } };
    }
    if (exception instanceof ThrottlerException) {
      return { status: 429, body: { message: 'Too many requests, please slow down', code: 'RATE_LIMITED' } };
    }
    if (exception instanceof HttpException) {
      const status = exception.getStatus();
      // Body-parser failures reach us re-wrapped by the router: a SyntaxError becomes a 400, a too-large body a 413.
      if (status === 400 && /JSON|Unexpected (token|end)/i.test(exception.message) && !(exception.getResponse() as { code?: string }).code) {
        return { status: 400, body: { message: 'Malformed JSON body', code: 'MALFORMED_JSON' } };
      }
      if (status === 413) {
        return { status: 400, body: { message: 'Request body is too large', code: 'PAYLOAD_TOO_LARGE' } };
      }
      const raw = exception.getResponse();
      const body: ErrorBody = { message: exception.message, code: STATUS_CODES[status] ?? 'ERROR' };
      if (typeof raw === 'object' && raw !== null) {
        const r = raw as Record<string, unknown>;
        if (typeof r.message === 'string') body.message = r.message;
        if (Array.isArray(r.message)) body.message = r.message.join('; ');
        if (typeof r.code === 'string') body.code = r.code;
        if (r.errors) body.errors = r.errors;
      }
      if (status === 404 && body.message.startsWith('Cannot ')) {
        body.message = `Route ${request.method} ${request.path} not found`;
      }
      return { status, body };
    }
    const bodyParserType = (exception as { type?: string })?.type;
    if (bodyParserType === 'entity.parse.failed') {
      return { status: 400, body: { message: 'Malformed JSON body', code: 'MALFORMED_JSON' } };
    }
    if (bodyParserType === 'entity.too.large') {
      return { status: 400, body: { message: 'Request body is too large', code: 'PAYLOAD_TOO_LARGE' } };
    }
    if (bodyParserType) {
      return { status: 400, body: { message: 'Request body could not be read', code: 'BAD_REQUEST' } };
    }
    // A body that cannot be decoded (e.g. garbage under `Content-Encoding: br`/`gzip`): body-parser passes
    // the zlib error on as an http-error with a 4xx status and `expose`, but without a `type`.
    const clientError = exception as { status?: unknown; expose?: unknown } | null;
    if (clientError?.expose === true && typeof clientError.status === 'number' && clientError.status >= 400 && clientError.status < 500) {
      return { status: 400, body: { message: 'Request body could not be read', code: 'BAD_REQUEST' } };
    }
    const dependency = dependencyOf(exception);
    if (dependency) {
      this.logger.warn({ err: exception, request_id: request.id }, `dependency unavailable: ${dependency}`);
      const e = new DependencyUnavailableError(dependency);
      return { status: e.status, body: { message: e.message, code: e.code } };
    }
    this.logger.error({ err: exception, request_id: request.id }, 'unhandled error');
    return { status: HttpStatus.INTERNAL_SERVER_ERROR, body: { message: 'Internal server error', code: 'INTERNAL_ERROR' } };
  }
}
