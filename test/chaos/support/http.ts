/** How an HTTP request ended, as a client sees it. `timeout` and `neterr` carry no answer: ambiguous. */
export type AnswerClass = '2xx' | '4xx' | '5xx' | 'timeout' | 'neterr';

export interface Answer {
  status: number | null;
  body: any;
  cls: AnswerClass;
  /** ms since the run's epoch, when the request was sent / its answer (or failure) arrived. */
  sentAt: number;
  receivedAt: number;
  api: string;
  error?: string;
}

export interface RequestOptions {
  token?: string;
  body?: unknown;
  headers?: Record<string, string>;
  timeoutMs?: number;
}

/** Every request of the run goes through one clock, so answers and faults can be put in order. */
export class HttpClient {
  readonly epoch = Date.now();

  constructor(readonly defaultTimeoutMs: number) {}

  now(): number {
    return Date.now() - this.epoch;
  }

  /** One request with a client timeout; never throws (a transport failure is an answer of class timeout/neterr). */
  async request(api: string, method: string, path: string, options: RequestOptions = {}): Promise<Answer> {
    const headers: Record<string, string> = { ...options.headers };
    if (options.token) headers.Authorization = `Bearer ${options.token}`;
    if (options.body !== undefined) headers['Content-Type'] = 'application/json';
    const sentAt = this.now();
    try {
      const res = await fetch(`${api}${path}`, {
        method,
        headers,
        body: options.body === undefined ? undefined : JSON.stringify(options.body),
        signal: AbortSignal.timeout(options.timeoutMs ?? this.defaultTimeoutMs),
      });
      const text = await res.text();
      let body: unknown = text;
      try {
        body = JSON.parse(text);
      } catch {
        // not JSON: keep the text
      }
      const cls: AnswerClass = res.status >= 200 && res.status < 300 ? '2xx' : res.status >= 500 ? '5xx' : '4xx';
      return { status: res.status, body, cls, sentAt, receivedAt: this.now(), api };
    } catch (err) {
      const e = err as Error & { cause?: { code?: string; message?: string } };
      const timedOut = e.name === 'TimeoutError' || e.name === 'AbortError';
      return { status: null, body: null, cls: timedOut ? 'timeout' : 'neterr', sentAt, receivedAt: this.now(), api, error: e.cause?.code ?? e.cause?.message ?? e.message };
    }
  }
}

/** 2xx, or a 4xx that is an answer rather than "try again" (409 in-use/busy and 429 are to be retried). */
export function definitive(a: Answer): boolean {
  if (a.cls === '2xx') return true;
  if (a.cls !== '4xx') return false;
  return a.status !== 409 && a.status !== 429 && a.status !== 423;
}

export function describe(a: Answer): string {
  if (a.status === null) return `${a.cls} (${a.error}) via ${a.api}`;
  const code = a.body && typeof a.body === 'object' ? (a.body.code ?? a.body.message ?? '') : String(a.body).slice(0, 60);
  return `${a.status}${code ? ` ${code}` : ''} via ${a.api}`;
}
