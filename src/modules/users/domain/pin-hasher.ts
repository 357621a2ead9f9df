import { Injectable } from '@nestjs/common';
import { randomBytes } from 'node:crypto';
import { loadWithNativeMemoryDefaults } from '../../../config/app-config';

// mimalloc (inside @node-rs/argon2) reads its options from the environment when the module loads.
const { hash, verify } = loadWithNativeMemoryDefaults(() => require('@node-rs/argon2') as typeof import('@node-rs/argon2'));

/**
 * Argon2id parameters (OWASP's recommended minimum: 19 MiB, 2 passes, 1 lane). The salt and the
 * parameters travel inside the PHC string, so they can be raised later without breaking old hashes.
 */
const ARGON2ID = { algorithm: 2 /* Argon2id */, memoryCost: 19_456, timeCost: 2, parallelism: 1 } as const;

/** An argon2id PHC hash of a PIN. Exported for the example-data loader, which must store PINs the way the service does. */
export function hashPin(pin: string): Promise<string> {
  return hash(pin, ARGON2ID);
}

/** True when `pin` matches `pinHash`; a malformed hash counts as a mismatch. */
export async function verifyPin(pinHash: string, pin: string): Promise<boolean> {
  try {
    return await verify(pinHash, pin);
  } catch {
    return false;
  }
}

/** PIN hashing for the handlers. PINs exist only in memory during a request: never stored, returned or logged. */
@Injectable()
export class PinHasher {
  private dummy: Promise<string> | null = null;

  hash(pin: string): Promise<string> {
    return hashPin(pin);
  }

  verify(pinHash: string, pin: string): Promise<boolean> {
    return verifyPin(pinHash, pin);
  }

  /**
   * Spends the same work as a real verification against a hash no PIN matches, so an unknown phone
   * number answers in about the time a wrong PIN does.
   */
  async verifyAgainstDummy(pin: string): Promise<false> {
    this.dummy ??= hashPin(randomBytes(16).toString('hex'));
    await verifyPin(await this.dummy, pin);
    return false;
  }
}
