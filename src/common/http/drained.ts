import type { ServerResponse } from 'node:http';

/** Resolves when the response can take more data again (`drain`), or is gone (`close`). */
export function drained(res: ServerResponse): Promise<void> {
  return new Promise((resolve) => {
    const done = () => {
      res.off('drain', done);
      res.off('close', done);
      resolve();
    };
    res.on('drain', done);
    res.on('close', done);
  });
}
