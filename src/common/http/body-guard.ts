import { ValidationFailedError } from '../errors';

/** Deepest nesting of objects and arrays a request body may have; no request of the API needs more than a few levels. */
export const MAX_BODY_DEPTH = 32;

/**
 * Keys refused anywhere in a body: `JSON.parse` makes them own properties, and copying them onto a DTO
 * sets its prototype or shadows its constructor, so the whitelist never sees them as unknown fields.
 */
const FORBIDDEN_KEYS = new Set(['__proto__', 'constructor']);

function isWellFormed(value: string): boolean {
  const s = value as string & { isWellFormed?: () => boolean };
  return typeof s.isWellFormed === 'function' ? s.isWellFormed() : !/\p{Cs}/u.test(value);
}

function join(path: string, key: string | number): string {
  return typeof key === 'number' ? `${path}[${key}]` : path ? `${path}.${key}` : key;
}

function refuse(path: string, message: string): never {
  const field = path || 'body';
  throw new ValidationFailedError(`Validation failed: ${message}`, { [field]: [message] });
}

/**
 * Checks a parsed request body before anything walks it recursively (class-transformer, class-validator):
 * nesting deeper than MAX_BODY_DEPTH (a stack overflow there, otherwise), the keys `__proto__` and
 * `constructor`, and strings (values and keys) that are not well-formed Unicode (a lone
 * surrogate would be stored as U+FFFD). Each is a 400 VALIDATION_FAILED. Iterative, one pass, no copies.
 */
export function assertSafeBody(body: unknown): void {
  if (typeof body === 'string') {
    if (!isWellFormed(body)) refuse('', 'body must be well-formed Unicode text (no lone surrogates)');
    return;
  }
  if (body === null || typeof body !== 'object') return;
  const stack: Array<{ value: object; depth: number; path: string }> = [{ value: body, depth: 1, path: '' }];
  while (stack.length) {
    const { value, depth, path } = stack.pop()!;
    if (depth > MAX_BODY_DEPTH) refuse(path, `the body is nested more than ${MAX_BODY_DEPTH} levels deep`);
    const entries: Array<[string | number, unknown]> = Array.isArray(value) ? value.map((v, i) => [i, v]) : Object.entries(value);
    if (!Array.isArray(value)) {
      // Object.entries leaves out nothing JSON can make, but `__proto__` set by a parser that assigns it
      // would be the prototype, not an entry: a plain body has Object.prototype or null as prototype.
      const proto = Object.getPrototypeOf(value);
      if (proto !== Object.prototype && proto !== null) refuse(join(path, '__proto__'), `${join(path, '__proto__')} is not an accepted field`);
    }
    for (const [key, child] of entries) {
      if (typeof key === 'string') {
        if (FORBIDDEN_KEYS.has(key)) refuse(join(path, key), `${join(path, key)} is not an accepted field`);
        if (!isWellFormed(key)) refuse(path, `${path || 'the body'} has a field name that is not well-formed Unicode (lone surrogate)`);
      }
      if (typeof child === 'string') {
        if (!isWellFormed(child)) refuse(join(path, key), `${join(path, key)} must be well-formed Unicode text (no lone surrogates)`);
      } else if (child !== null && typeof child === 'object') {
        stack.push({ value: child, depth: depth + 1, path: join(path, key) });
      }
    }
  }
}

/** Express middleware (after the body parsers): `assertSafeBody(req.body)`, its refusal passed on as a 400. */
export function bodyGuard() {
  return (req: { body?: unknown }, _res: unknown, next: (err?: unknown) => void): void => {
    try {
      assertSafeBody(req.body);
      next();
    } catch (err) {
      next(err);
    }
  };
}
