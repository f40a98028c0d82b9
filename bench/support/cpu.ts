// Where the CPU went during a phase: the machine as a whole (/proc/stat) and this benchmark's own processes
// (this one — simulator, API — its workers, PostgreSQL, Temporal), from /proc/<pid>/stat. Linux only; elsewhere
// every figure reads 0.
import fs from 'node:fs';

const TICKS_PER_SECOND = 100;

interface ProcTimes {
  comm: string;
  ppid: number;
  ticks: number;
}

function readProcs(): Map<number, ProcTimes> {
  const out = new Map<number, ProcTimes>();
  let entries: string[];
  try {
    entries = fs.readdirSync('/proc').filter((e) => /^\d+$/.test(e));
  } catch {
    return out;
  }
  for (const e of entries) {
    try {
      const stat = fs.readFileSync(`/proc/${e}/stat`, 'utf8');
      // The command name is in parentheses and may hold spaces; the fields after it are fixed.
      const close = stat.lastIndexOf(')');
      const comm = stat.slice(stat.indexOf('(') + 1, close);
      const fields = stat.slice(close + 2).split(' ');
      out.set(Number(e), { comm, ppid: Number(fields[1]), ticks: Number(fields[11]) + Number(fields[12]) });
    } catch {
      // the process ended meanwhile
    }
  }
  return out;
}

function machineTicks(): { busy: number; total: number } {
  try {
    const cpu = fs.readFileSync('/proc/stat', 'utf8').split('\n')[0]!.trim().split(/\s+/).slice(1).map(Number);
    const idle = cpu[3]! + (cpu[4] ?? 0);
    const total = cpu.reduce((s, v) => s + v, 0);
    return { busy: total - idle, total };
  } catch {
    return { busy: 0, total: 0 };
  }
}

export type CpuGroups = Record<string, number>;

/** CPU seconds by group of this benchmark's processes, and the machine's busy time, since `start()`. */
export function cpuMeter(groupOf: (pid: number, comm: string) => string) {
  const snapshot = () => {
    const procs = readProcs();
    const mine = new Map<number, ProcTimes>();
    for (const [pid, p] of procs) {
      let at: number | undefined = pid;
      for (let hops = 0; at !== undefined && at > 1 && hops < 20; hops++) {
        if (at === process.pid) {
          mine.set(pid, p);
          break;
        }
        at = procs.get(at)?.ppid;
      }
    }
    return { mine, machine: machineTicks() };
  };
  let before = snapshot();
  return {
    start() {
      before = snapshot();
    },
    /** Seconds of CPU per group, and how many cores the whole machine kept busy on average. */
    stop(wallMs: number): { groups: CpuGroups; stackCores: number; machineCores: number } {
      const after = snapshot();
      const groups: CpuGroups = {};
      for (const [pid, p] of after.mine) {
        const was = before.mine.get(pid)?.ticks ?? 0;
        const g = groupOf(pid, p.comm);
        groups[g] = (groups[g] ?? 0) + (p.ticks - was) / TICKS_PER_SECOND;
      }
      const stack = Object.values(groups).reduce((s, v) => s + v, 0);
      const machineCores = (after.machine.busy - before.machine.busy) / TICKS_PER_SECOND / (wallMs / 1000);
      return { groups, stackCores: stack / (wallMs / 1000), machineCores };
    },
  };
}
