import { spawn, type ChildProcess } from 'node:child_process';
import path from 'node:path';

export interface WorkerProcess {
  child: ChildProcess;
  /** Ends the process at once, as a crash would (no graceful shutdown, no final heartbeat). */
  crash(): Promise<void>;
  stop(): Promise<void>;
}

/** Starts test/support/workerProcess.ts with tsx, joined to a harness through its workerEnv; resolves once it polls. */
export async function startWorkerProcess(workerEnv: Record<string, string>): Promise<WorkerProcess> {
  const root = path.join(__dirname, '..', '..');
  const child = spawn(process.execPath, [path.join(root, 'node_modules', 'tsx', 'dist', 'cli.mjs'), path.join(__dirname, 'workerProcess.ts')], {
    cwd: root,
    env: { ...process.env, ...workerEnv },
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  await new Promise<void>((resolve, reject) => {
    let out = '';
    child.stdout!.on('data', (chunk: Buffer) => {
      out += chunk.toString();
      if (out.includes('worker ready')) resolve();
    });
    child.once('exit', (code) => reject(new Error(`worker process exited early with ${code}`)));
  });
  return {
    child,
    async crash() {
      child.kill('SIGKILL');
      await exited;
    },
    async stop() {
      if (child.exitCode === null) child.kill('SIGTERM');
      await exited;
    },
  };
}
