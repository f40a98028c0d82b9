import http from 'node:http';
import type { AddressInfo } from 'node:net';

/**
 * A loopback port for the API, taken before the API is built: the API needs its own public URL (the OAuth
 * redirect and the links in emails are built from it), so the server listens first and serves once built.
 */
export async function reserveApiPort(): Promise<{ apiUrl: string; serve(handler: http.RequestListener): void; close(): Promise<void> }> {
  let handler: http.RequestListener = (_req, res) => res.end();
  const server = http.createServer((req, res) => handler(req, res));
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    apiUrl: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    serve: (h) => {
      handler = h;
    },
    close: () => new Promise((resolve) => server.close(() => resolve())),
  };
}
