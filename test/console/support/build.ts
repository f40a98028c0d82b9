import path from 'node:path';
import { execFileSync } from 'node:child_process';

/** The console as `npm install` builds it (a no-op when the build is up to date). */
export function buildConsole(): void {
  execFileSync(process.execPath, [path.join(__dirname, '..', '..', '..', 'console', 'build.mjs')], { stdio: 'inherit' });
}
