// The service on the topology, as the production deployment runs it: worker processes (`npm run worker`) and the
// API (`npm run api`), each a process of its own, joined to the cluster through the frontend address.
import { spawn, type ChildProcess } from 'node:child_process';
import path from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { ROOT } from './versions';

export interface ServiceProcess {
  name: string;
  /** Where its /readyz (and /metrics) answer. */
  url: string;
  child: ChildProcess;
  stop(): Promise<void>;
}

/** Starts src/worker.ts or src/api/server.ts with `env`; resolves once `readyUrl` answers 200. */
export async function startServiceProcess(opts: { name: string; entry: 'worker' | 'api'; env: Record<string, string>; url: string; readyTimeoutMs?: number }): Promise<ServiceProcess> {
  const entry = opts.entry === 'worker' ? path.join(ROOT, 'src', 'worker.ts') : path.join(ROOT, 'src', 'api', 'server.ts');
  // Node loads tsx itself, so the process signalled is the service's own (not a wrapper's).
  const child = spawn(process.execPath, ['--import', 'tsx', entry], { cwd: ROOT, env: { ...process.env, ...opts.env }, stdio: ['ignore', 'inherit', 'inherit'] });
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  const stop = async () => {
    if (child.exitCode === null && child.signalCode === null) child.kill('SIGTERM');
    await exited;
  };
  const deadline = Date.now() + (opts.readyTimeoutMs ?? 120_000);
  for (;;) {
    if (child.exitCode !== null || child.signalCode !== null) throw new Error(`${opts.name} exited before it was ready (${child.signalCode ?? child.exitCode})`);
    const ready = await fetch(`${opts.url}/readyz`).then((r) => r.ok, () => false);
    if (ready) return { name: opts.name, url: opts.url, child, stop };
    if (Date.now() > deadline) {
      await stop();
      throw new Error(`${opts.name} not ready at ${opts.url}/readyz`);
    }
    await sleep(500);
  }
}
