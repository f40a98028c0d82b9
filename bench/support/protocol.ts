// What the benchmark driver and its worker process (workerProcess.ts) say to each other over IPC.

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
