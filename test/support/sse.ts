import http from 'node:http';
import https from 'node:https';

export interface SseMessage {
  id?: string;
  event?: string;
  data: string;
  /** When the message was read off the socket (ms since the epoch). */
  receivedAt?: number;
}

/** A Server-Sent Events connection read with Node's own http client (no EventSource in Node 20). */
export interface SseClient {
  status: number;
  contentType: string;
  messages: SseMessage[];
  /** Comment lines (heartbeats) received so far. */
  comments: string[];
  /** Resolves when the server ends the stream. */
  ended: Promise<void>;
  waitFor(count: number, timeoutMs?: number): Promise<SseMessage[]>;
  close(): void;
}

/** Opens `path` on `baseUrl` and resolves once the status line and headers are in. */
export function openSse(baseUrl: string, path: string, headers: Record<string, string> = {}): Promise<SseClient> {
  const url = new URL(path, baseUrl);
  const lib = url.protocol === 'https:' ? https : http;
  return new Promise((resolve, reject) => {
    const req = lib.get(url, { headers: { Accept: 'text/event-stream', ...headers } }, (res) => {
      const messages: SseMessage[] = [];
      const comments: string[] = [];
      let buffer = '';
      let onData: () => void = () => undefined;
      let endResolve: () => void = () => undefined;
      const ended = new Promise<void>((r) => (endResolve = r));
      res.setEncoding('utf8');
      res.on('data', (chunk: string) => {
        buffer += chunk;
        let cut: number;
        while ((cut = buffer.indexOf('\n\n')) >= 0) {
          const block = buffer.slice(0, cut);
          buffer = buffer.slice(cut + 2);
          const msg: SseMessage = { data: '', receivedAt: Date.now() };
          let hasData = false;
          for (const line of block.split('\n')) {
            if (line.startsWith(':')) comments.push(line.slice(1).trim());
            else if (line.startsWith('id: ')) msg.id = line.slice(4);
            else if (line.startsWith('event: ')) msg.event = line.slice(7);
            else if (line.startsWith('data: ')) {
              msg.data += line.slice(6);
              hasData = true;
            }
          }
          if (hasData) messages.push(msg);
        }
        onData();
      });
      res.on('end', () => endResolve());
      res.on('close', () => endResolve());
      res.on('error', () => endResolve());
      resolve({
        status: res.statusCode ?? 0,
        contentType: String(res.headers['content-type'] ?? ''),
        messages,
        comments,
        ended,
        waitFor(count, timeoutMs = 10_000) {
          return new Promise((ok, fail) => {
            const timer = setTimeout(() => fail(new Error(`only ${messages.length} of ${count} SSE messages within ${timeoutMs} ms: ${JSON.stringify(messages)}`)), timeoutMs);
            const check = () => {
              if (messages.length >= count) {
                clearTimeout(timer);
                onData = () => undefined;
                ok(messages.slice(0, count));
              }
            };
            onData = check;
            check();
          });
        },
        close() {
          req.destroy();
        },
      });
    });
    req.on('error', reject);
  });
}
