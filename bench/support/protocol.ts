// What the benchmark driver and its worker process (workerProcess.ts) say to each other over IPC.
import type { IntervalHistogram } from 'node:perf_hooks';

export interface SqlTiming {
  count: number;
  ms: number;
}

export interface MemoryReport {
  baselineRss: number;
  baselineHeapUsed: number;
  /** Highest RSS seen: the kernel's high-water mark when it could be reset at the baseline, else the 100 ms samples. */
  peakRss: number;
  peakHeapUsed: number;
  /** Highest heap in use right after a full GC, when the worker forces one periodically (else the baseline). */
  peakLiveHeap: number;
  peakSource: 'kernel' | 'samples';
  samples: number;
  /** SQL time by statement (its first words), in milliseconds, since the baseline. */
  sql: Record<string, SqlTiming>;
  /** How late the worker's event loop ran its callbacks since the baseline (perf_hooks), in milliseconds. */
  loopDelay: LoopDelay;
}

export interface LoopDelay {
  p50: number;
  p99: number;
  max: number;
}

export type WorkerRequest = { id: number; cmd: 'baseline' | 'report' | 'stop' };
export type WorkerReply = { id: number; ok: true; value: unknown } | { id: number; ok: false; error: string };

/** A short, stable name for a statement: its first words, whitespace folded. */
export function statementKey(text: string): string {
  return text.replace(/\s+/g, ' ').trim().slice(0, 72);
}

/** Total time and count of the statements whose key matches. */
export function sqlTime(sql: Record<string, SqlTiming>, match: RegExp): SqlTiming {
  const total = { count: 0, ms: 0 };
  for (const [key, t] of Object.entries(sql)) {
    if (!match.test(key)) continue;
    total.count += t.count;
    total.ms += t.ms;
  }
  return total;
}

/** An event-loop delay histogram (perf_hooks.monitorEventLoopDelay, nanoseconds) in milliseconds. */
export function loopDelayOf(h: IntervalHistogram): LoopDelay {
  const ms = (ns: number) => (Number.isFinite(ns) ? ns / 1e6 : 0);
  return { p50: ms(h.percentile(50)), p99: ms(h.percentile(99)), max: ms(h.max) };
}
