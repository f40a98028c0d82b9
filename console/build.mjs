#!/usr/bin/env node
// Builds the web console into console/dist: run by `npm install` (postinstall) and before `npm start`, and skipped
// when nothing in the console changed since the last build. An install without the build tools (the production
// image omits development dependencies) builds nothing and says so; `--force` builds whatever the dates say.
import fs from 'node:fs';
import path from 'node:path';
import process from 'node:process';

const root = import.meta.dirname;
const dist = path.join(root, 'dist', 'index.html');
const say = (line) => process.stdout.write(`console: ${line}\n`);

/** The newest modification time of the console's sources. */
function newestSource(dir = root) {
  let newest = 0;
  for (const entry of fs.readdirSync(dir, { withFileTypes: true })) {
    if (entry.name === 'dist' || entry.name === 'node_modules') continue;
    const p = path.join(dir, entry.name);
    newest = Math.max(newest, entry.isDirectory() ? newestSource(p) : fs.statSync(p).mtimeMs);
  }
  return newest;
}

async function main() {
  const force = process.argv.includes('--force');
  if (!force && fs.existsSync(dist) && fs.statSync(dist).mtimeMs >= newestSource()) return say('up to date');
  let vite;
  try {
    vite = await import('vite');
  } catch {
    return say('not built: the build tools are not installed (npm install without --omit=dev builds it)');
  }
  const started = Date.now();
  await vite.build({ configFile: path.join(root, 'vite.config.mts'), logLevel: 'warn' });
  say(`built into console/dist in ${((Date.now() - started) / 1000).toFixed(1)} s`);
}

main().catch((err) => {
  process.stderr.write(`console: the build failed: ${err instanceof Error ? err.message : err}\n`);
  process.exit(1);
});
