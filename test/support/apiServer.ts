import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { createApp } from '../../src/api/app';
import type { ApiDeps } from '../../src/api/deps';

/**
 * The API on a free loopback port. The app needs its own public URL (the OAuth redirect is built from it),
 * so the server listens first and the app is built once the port is known.
 */
export async function listenApi(deps: Omit<ApiDeps, 'publicBaseUrl'>): Promise<{ apiUrl: string; close(): Promise<void> }> {
  let handler: http.RequestListener = (_req, res) => res.end();
  const server = http.createServer((req, res) => handler(req, res));
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const apiUrl = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  handler = createApp({ ...deps, publicBaseUrl: apiUrl });
  return { apiUrl, close: () => new Promise((resolve) => server.close(() => resolve())) };
}
