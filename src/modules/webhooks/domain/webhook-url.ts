import { isIP } from 'node:net';
import { isPrivateAddress } from './target-address';

export const MAX_URL_LENGTH = 2048;

/** Why a URL is refused, or null when its form is acceptable (http(s), a host, no credentials). */
export function urlFormProblem(raw: string): string | null {
  if (raw.length > MAX_URL_LENGTH) return `must be at most ${MAX_URL_LENGTH} characters`;
  let url: URL;
  try {
    url = new URL(raw);
  } catch {
    return 'must be an absolute http(s) URL';
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') return 'must use http or https';
  if (!url.hostname) return 'must name a host';
  if (url.username || url.password) return 'must not carry credentials';
  if (url.hash) return 'must not have a #fragment';
  return null;
}

/** The host of a URL as an address literal (brackets removed), or null when it is a name. */
export function addressLiteral(url: URL): string | null {
  const host = url.hostname.replace(/^\[|\]$/g, '');
  return isIP(host) ? host : null;
}

export type Resolver = (hostname: string) => Promise<Array<{ address: string; family: number }>>;

/**
 * The private addresses a URL's host is (an address literal) or resolves to (every address of the
 * name: one private record among public ones is enough to refuse it). Empty when it is public.
 */
export async function privateTargets(url: URL, resolve: Resolver): Promise<string[]> {
  const literal = addressLiteral(url);
  if (literal) return isPrivateAddress(literal) ? [literal] : [];
  const addresses = await resolve(url.hostname);
  if (!addresses.length) return ['(no address)'];
  return addresses.map((a) => a.address).filter(isPrivateAddress);
}
