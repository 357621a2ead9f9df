import { Injectable } from '@nestjs/common';
import { lookup as dnsLookup } from 'node:dns';
import { promisify } from 'node:util';
import type { LookupFunction } from 'node:net';
import { ValidationFailedError } from '../../../common/errors';
import { AppConfig } from '../../../config/app-config';
import { isPrivateAddress } from '../domain/target-address';
import { WebhookUrlRefusedError } from '../domain/webhook.errors';
import { addressLiteral, privateTargets, urlFormProblem } from '../domain/webhook-url';

const lookupAll = promisify(dnsLookup);
/** How long registration waits for DNS before refusing the name. */
const RESOLVE_TIMEOUT_MS = 3000;

/** The error a guarded lookup fails a connection with (DNS now points at a refused address). */
export class RefusedTargetError extends Error {
  readonly code = 'EREFUSEDTARGET';
}

/**
 * The SSRF guard of webhook URLs: http(s) only, and, unless `WEBHOOK_ALLOW_PRIVATE_TARGETS` (local
 * development and tests), no host that is or resolves to a loopback, private, link-local, unique-local or
 * unspecified address. Checked at registration, and again at every delivery by the connection's own DNS
 * lookup (`lookup`), so a name re-pointed at an internal address after registration is refused too.
 */
@Injectable()
export class WebhookTargetGuard {
  constructor(private readonly config: AppConfig) {}

  get allowsPrivate(): boolean {
    return this.config.webhookAllowPrivateTargets;
  }

  /** The URL, checked; a malformed one is 400 VALIDATION_FAILED, a refused target 400 WEBHOOK_URL_REFUSED. */
  async check(raw: string): Promise<URL> {
    const problem = urlFormProblem(raw);
    if (problem) throw new ValidationFailedError(`Validation failed: url ${problem}`, { url: [`url ${problem}`] });
    const url = new URL(raw);
    if (this.allowsPrivate) return url;
    let refused: string[];
    try {
      refused = await privateTargets(url, (host) => {
        let timer: NodeJS.Timeout | undefined;
        const timeout = new Promise<never>((_, reject) => (timer = setTimeout(() => reject(new Error('DNS timeout')), RESOLVE_TIMEOUT_MS)));
        return Promise.race([lookupAll(host, { all: true, verbatim: true }), timeout]).finally(() => clearTimeout(timer));
      });
    } catch {
      throw new WebhookUrlRefusedError(`host ${url.hostname} does not resolve`);
    }
    if (refused.length) throw new WebhookUrlRefusedError(`must not point at a private, loopback or link-local address (${url.hostname} is ${refused.join(', ')})`);
    return url;
  }

  /** A refusal of the URL's address literal at delivery time, or null (names are checked by `lookup`). */
  literalRefusal(url: URL): string | null {
    if (this.allowsPrivate) return null;
    const literal = addressLiteral(url);
    return literal && isPrivateAddress(literal) ? `refused: ${literal} is a private address` : null;
  }

  /** A DNS lookup for `http.request` that fails when the name resolves to a refused address; undefined when private targets are allowed. */
  get lookup(): LookupFunction | undefined {
    if (this.allowsPrivate) return undefined;
    return (hostname, options, callback) => {
      dnsLookup(hostname, { ...options, all: true, verbatim: true }, (err, addresses) => {
        if (err) return (callback as (e: Error) => void)(err);
        const list = addresses as Array<{ address: string; family: number }>;
        const bad = list.find((a) => isPrivateAddress(a.address));
        if (bad || !list.length) {
          return (callback as (e: Error) => void)(new RefusedTargetError(`refused: ${hostname} resolves to ${bad?.address ?? 'nothing'}, a private address`));
        }
        if ((options as { all?: boolean }).all) return (callback as (e: null, a: typeof list) => void)(null, list);
        return (callback as (e: null, a: string, f: number) => void)(null, list[0].address, list[0].family);
      });
    };
  }
}
