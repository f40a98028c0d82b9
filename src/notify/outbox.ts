import fs from 'node:fs';
import path from 'node:path';
import { SMTPServer } from 'smtp-server';

/**
 * A local SMTP server that files every message it receives as an .eml file: the mail destination of
 * `npm start` when no SMTP_URL is configured, so the notify-and-wait emails (and their links) can be read.
 */
export async function startOutboxSmtp(opts: { dir: string; port: number }): Promise<{ url: string; close(): Promise<void> }> {
  // The messages carry live keep / release links: readable by the operator only.
  fs.mkdirSync(opts.dir, { recursive: true, mode: 0o700 });
  fs.chmodSync(opts.dir, 0o700);
  let counter = 0;
  const server = new SMTPServer({
    authOptional: true,
    disabledCommands: ['STARTTLS'],
    onData(stream, _session, callback) {
      const name = `${new Date().toISOString().replace(/[:.]/g, '-')}-${++counter}.eml`;
      const out = fs.createWriteStream(path.join(opts.dir, name), { mode: 0o600 });
      stream.pipe(out);
      stream.on('end', () => callback());
    },
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(opts.port, '127.0.0.1', () => resolve());
  });
  const port = (server.server.address() as { port: number }).port;
  return { url: `smtp://127.0.0.1:${port}`, close: () => new Promise((resolve) => server.close(() => resolve())) };
}
