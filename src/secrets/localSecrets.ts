import crypto from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';

/** A value generated once into the data folder (mode 0600), so that a restart finds the same one. */
export function loadOrCreateSecretFile(dataDir: string, name: string, create: () => string = () => crypto.randomBytes(24).toString('base64url')): string {
  const file = path.join(dataDir, name);
  if (fs.existsSync(file)) return fs.readFileSync(file, 'utf8').trim();
  fs.mkdirSync(dataDir, { recursive: true });
  const value = create();
  fs.writeFileSync(file, value + '\n', { mode: 0o600, flag: 'wx' });
  return value;
}
