// The web console's built files (console/dist, built by `npm install` and refreshed by `npm start`), served at
// `/` from this origin: every path that is not the API's opens the single page, which routes in the browser.
import fs from 'node:fs';
import path from 'node:path';
import express, { Router } from 'express';
import { notFound, sendProblem } from '../problem';

export const CONSOLE_DIST = path.join(__dirname, '..', '..', '..', 'console', 'dist');

// Scripts and styles from this origin only; inline style attributes are what the chart library sets.
const CONTENT_SECURITY_POLICY = [
  "default-src 'self'",
  "script-src 'self'",
  "style-src 'self' 'unsafe-inline'",
  "img-src 'self' data:",
  "connect-src 'self'",
  "frame-ancestors 'none'",
  "base-uri 'self'",
  "form-action 'self'",
].join('; ');

const NOT_BUILT = `<!doctype html><html lang="en"><head><meta charset="utf-8"><title>Console not built</title></head>
<body><h1>The console is not built</h1><p>Run <code>npm run build:console</code> (npm install and npm start do it), then reload.</p></body></html>`;

/** Not the console's: the API, and the service's own pages and endpoints mounted before it. */
const isServicePath = (p: string) => /^\/(api|oauth_redirect|candidate-actions|healthz|readyz|metrics)(\/|\.|$)/.test(p);

export function consoleAssetsRouter(dist = CONSOLE_DIST): Router {
  const router = Router();
  const indexFile = path.join(dist, 'index.html');
  // File names under assets/ carry their content hash: a browser may keep them.
  router.use('/assets', express.static(path.join(dist, 'assets'), { index: false, immutable: true, maxAge: '1y' }));
  router.use('/assets', (req, res) => sendProblem(res, notFound(`The console file ${req.baseUrl}${req.path}`)));
  router.get(/.*/, (req, res, next) => {
    if (isServicePath(req.path) || !req.accepts('html')) return next();
    res.set({ 'Content-Security-Policy': CONTENT_SECURITY_POLICY, 'Cache-Control': 'no-cache', 'X-Content-Type-Options': 'nosniff', 'Referrer-Policy': 'same-origin' });
    if (!fs.existsSync(indexFile)) return res.status(404).type('html').send(NOT_BUILT);
    res.sendFile(indexFile);
  });
  return router;
}
