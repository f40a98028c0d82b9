import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';

/** The embedded PostgreSQL's own folder: PostgreSQL keeps its modes itself, and as root it is not ours. */
const POSTGRES_DIR = 'postgres';

/**
 * Makes `npm start`'s data folder private: files 0600 in folders 0700, including what earlier versions left
 * readable. As root the folder itself is 0711, because the embedded PostgreSQL runs as the `postgres` user
 * and must pass through it to its cluster; nothing in it can be listed or read by anyone else.
 */
export function prepareDataDir(dir: string): void {
  fs.mkdirSync(dir, { recursive: true });
  fs.chmodSync(dir, os.userInfo().uid === 0 ? 0o711 : 0o700);
  for (const entry of fs.readdirSync(dir, { withFileTypes: true })) {
    if (entry.name === POSTGRES_DIR) continue;
    makePrivate(path.join(dir, entry.name), entry);
  }
}

function makePrivate(target: string, entry: fs.Dirent): void {
  if (entry.isSymbolicLink()) return;
  if (entry.isDirectory()) {
    fs.chmodSync(target, 0o700);
    for (const child of fs.readdirSync(target, { withFileTypes: true })) makePrivate(path.join(target, child.name), child);
  } else if (entry.isFile()) {
    fs.chmodSync(target, 0o600);
  }
}
