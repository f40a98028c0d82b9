// A worker in a child process that a test can kill like a crash.
//
// Node itself loads tsx (`node --import tsx`): started through the tsx command line instead, the worker
// would run in a grandchild, and SIGKILL would end only the wrapper, leaving the worker orphaned and polling.
import { spawn, type ChildProcess } from 'node:child_process';
import path from 'node:path';

const ROOT = path.join(__dirname, '..', '..');
const ENTRY = path.join(__dirname, 'workerProcess.ts');

export interface WorkerProcess {
  child: ChildProcess;
  pid: number;
  /** Ends the process at once, as a crash would (no graceful shutdown, no final heartbeat). */
  crash(): Promise<void>;
  stop(): Promise<void>;
}

/** Starts test/support/workerProcess.ts, joined to a harness through its workerEnv; resolves once it polls. */
export async function startWorkerProcess(workerEnv: Record<string, string>): Promise<WorkerProcess> {
  const child = spawn(process.execPath, ['--import', 'tsx', ENTRY], {
    cwd: ROOT,
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
    child.once('exit', (code, signal) => reject(new Error(`worker process exited early (${signal ?? code})`)));
  });
  const alive = () => child.exitCode === null && child.signalCode === null;
  return {
    child,
    pid: child.pid!,
    async crash() {
      if (alive()) child.kill('SIGKILL');
      await exited;
    },
    async stop() {
      if (alive()) child.kill('SIGTERM');
      await exited;
    },
  };
}

/** Whether a process with this id still exists (signal 0 checks without signalling). */
export function processExists(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}
