// `npm install && npm start` on a machine with no `temporal`: the postinstall step installs the pinned CLI into
// the project, and the service finds it there. (CI runs `npm ci` with no temporal on the PATH: the install itself.)
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { findTemporalCli, PROJECT_TEMPORAL_CLI } from '../../src/temporal/devServer';

const ROOT = path.join(__dirname, '..', '..');
const SCRIPT = path.join(ROOT, 'scripts', 'install-temporal-cli.mjs');
const pathWithout = (name: string) => (process.env.PATH ?? '').split(path.delimiter).filter((d) => !fs.existsSync(path.join(d, name))).join(path.delimiter);

describe('the Temporal CLI', () => {
  it('is found on the PATH first, then in the project where npm install put it', () => {
    const bin = fs.mkdtempSync(path.join(os.tmpdir(), 'licence-cli-'));
    const onPath = path.join(bin, 'temporal');
    fs.writeFileSync(onPath, '#!/bin/sh\n', { mode: 0o755 });
    const project = path.join(bin, 'project', 'temporal');
    fs.mkdirSync(path.dirname(project));
    fs.writeFileSync(project, '#!/bin/sh\n', { mode: 0o755 });
    expect(findTemporalCli(undefined, bin, project)).toBe(onPath);
    expect(findTemporalCli(undefined, '/nowhere', project)).toBe(project);
    expect(findTemporalCli(undefined, '/nowhere', path.join(bin, 'missing', 'temporal'))).toBeUndefined();
    expect(findTemporalCli(onPath, '/nowhere', project)).toBe(onPath);
    fs.rmSync(bin, { recursive: true, force: true });
  });

  it('the postinstall step says what it uses, and the service finds the project CLI with no temporal on the PATH', () => {
    const run = (env: Record<string, string | undefined>) => spawnSync(process.execPath, [SCRIPT], { env: { ...process.env, ...env }, encoding: 'utf8' });
    expect(run({ TEMPORAL_CLI_PATH: '/opt/temporal' }).stdout).toContain('using TEMPORAL_CLI_PATH (/opt/temporal)');
    const clean = pathWithout('temporal');
    const out = run({ TEMPORAL_CLI_PATH: '', PATH: clean });
    expect(out.status).toBe(0);
    // In a checkout where npm install has run (as here), the project's CLI is there and runs.
    expect(out.stdout).toMatch(/using \.venv-temporal\/bin\/temporal \(temporal version/);
    expect(findTemporalCli(undefined, clean)).toBe(PROJECT_TEMPORAL_CLI);
  });
});
