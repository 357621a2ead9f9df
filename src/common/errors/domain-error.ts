import { HttpStatus } from '@nestjs/common';

/**
 * A failure the client can act on. Carries a stable UPPER_SNAKE code and the HTTP status it maps to;
 * the global exception filter turns it into the SPEC envelope `{message, code, ...details}`.
 */
export class DomainError extends Error {
  constructor(
    readonly code: string,
    message: string,
    readonly status: HttpStatus,
    readonly details: Record<string, unknown> = {},
  ) {
    super(message);
    this.name = new.target.name;
  }
}

export class ValidationFailedError extends DomainError {
  constructor(message: string, errors?: Record<string, string[]>) {
    super('VALIDATION_FAILED', message, HttpStatus.BAD_REQUEST, errors ? { errors } : {});
  }
}

export class NotFoundError extends DomainError {
  constructor(what: string, code = 'NOT_FOUND') {
    super(code, `${what} not found`, HttpStatus.NOT_FOUND);
  }
}

export class UnauthenticatedError extends DomainError {
  constructor() {
    super('UNAUTHENTICATED', 'Unauthenticated', HttpStatus.UNAUTHORIZED);
  }
}

export class ForbiddenError extends DomainError {
  constructor(message = 'You are not allowed to do this') {
    super('FORBIDDEN', message, HttpStatus.FORBIDDEN);
  }
}

export class ConflictError extends DomainError {
  constructor(code: string, message: string) {
    super(code, message, HttpStatus.CONFLICT);
  }
}

export class BusinessRuleError extends DomainError {
  constructor(code: string, message: string, details: Record<string, unknown> = {}) {
    super(code, message, HttpStatus.UNPROCESSABLE_ENTITY, details);
  }
}

/** A dependency (MongoDB, Redis) did not answer: 503, nothing was changed that a retry cannot converge. */
export class DependencyUnavailableError extends DomainError {
  constructor(dependency: string) {
    super('SERVICE_UNAVAILABLE', `Service temporarily unavailable (${dependency}); please retry`, HttpStatus.SERVICE_UNAVAILABLE);
  }
}
