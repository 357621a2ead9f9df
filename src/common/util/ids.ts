import { v7 as uuidv7, validate, version } from 'uuid';

/** A new time-ordered identifier (UUID v7). */
export function newId(): string {
  return uuidv7();
}

export function isUuid(value: unknown): value is string {
  return typeof value === 'string' && validate(value) && [1, 4, 7].includes(version(value));
}
