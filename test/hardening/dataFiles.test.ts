import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { startOutboxSmtp } from '../../src/notify/outbox';
import { createSmtpMailer } from '../../src/notify/mailer';
import { prepareDataDir } from '../../src/dataDir';

const work = fs.mkdtempSync(path.join(os.tmpdir(), 'licence-files-'));
afterAll(() => fs.rmSync(work, { recursive: true, force: true }));
const mode = (p: string) => fs.statSync(p).mode & 0o777;

describe('files with secrets and live links', () => {
  it('the outbox files each message readable by its owner only, in a folder only its owner can enter', async () => {
    const dir = path.join(work, 'outbox');
    const outbox = await startOutboxSmtp({ dir, port: 0 });
    try {
      await createSmtpMailer({ url: outbox.url, from: 'a@example.com' }).send({ to: 'b@example.com', subject: 'Keep your seat?', text: 'https://x/candidate-actions/t', html: '<p>x</p>' });
      await expect.poll(() => fs.readdirSync(dir).length).toBe(1);
      expect(mode(dir)).toBe(0o700);
      expect(mode(path.join(dir, fs.readdirSync(dir)[0]!))).toBe(0o600);
    } finally {
      await outbox.close();
    }
  });

  it("the data folder's existing files and folders are made private (what earlier versions left readable)", () => {
    const dir = path.join(work, 'data');
    fs.mkdirSync(path.join(dir, 'outbox'), { recursive: true, mode: 0o755 });
    fs.writeFileSync(path.join(dir, 'api-token'), 'x', { mode: 0o644 });
    fs.writeFileSync(path.join(dir, 'outbox', 'old.eml'), 'x', { mode: 0o644 });
    fs.chmodSync(dir, 0o755);
    prepareDataDir(dir);
    expect(mode(dir)).toBe(os.userInfo().uid === 0 ? 0o711 : 0o700);
    expect(mode(path.join(dir, 'api-token'))).toBe(0o600);
    expect(mode(path.join(dir, 'outbox'))).toBe(0o700);
    expect(mode(path.join(dir, 'outbox', 'old.eml'))).toBe(0o600);
  });
});
