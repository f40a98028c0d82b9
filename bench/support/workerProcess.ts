// A worker in a process of its own, so its memory can be measured apart from the simulator, the API
// and the benchmark driver. It samples its own memory every 100 ms and times every SQL statement the
// activities send, and answers the driver over IPC:
//   {cmd:'baseline'} → collects garbage, takes the baseline and starts a fresh measurement;
//   {cmd:'report'}   → peak memory since the baseline and the SQL time by statement;
//   {cmd:'stop'}     → shuts the worker down and exits.
import fs from 'node:fs';
import { monitorEventLoopDelay } from 'node:perf_hooks';
import { createWorker } from '../../src/worker';
import type { Db } from '../../src/db/pool';
import { loadConfig } from '../../src/config';
import { buildServices } from '../../src/services';
import { createLogger } from '../../src/logger';
import { installTemporalRuntime } from '../../src/temporal/runtime';
import { loopDelayOf, statementKey, type MemoryReport, type SqlTiming, type WorkerReply, type WorkerRequest } from './protocol';

const SAMPLE_MS = 100;

let sql: Record<string, SqlTiming> = {};

function record(key: string, ms: number): void {
  const t = (sql[key] ??= { count: 0, ms: 0 });
  t.count += 1;
  t.ms += ms;
}

/** The service's Db with every statement (and every transaction, as a whole) timed. */
function timedDb(db: Db): Db {
  return {
    pool: db.pool,
    ping: () => db.ping(),
    close: () => db.close(),
    async query(text, params, opts) {
      const started = performance.now();
      try {
        return await db.query(text, params, opts);
      } finally {
        record(statementKey(text), performance.now() - started);
      }
    },
    async withTransaction(fn, opts) {
      const started = performance.now();
      let first: string | undefined;
      try {
        return await db.withTransaction((tx) =>
          fn({
            stream: (text, params, batchSize) => tx.stream(text, params, batchSize),
            async query(text, params, opts) {
              first ??= statementKey(text);
              const s = performance.now();
              try {
                return await tx.query(text, params, opts);
              } finally {
                record(`  in tx: ${statementKey(text)}`, performance.now() - s);
              }
            },
          }),
          opts,
        );
      } finally {
        record(`tx: ${first ?? '(empty)'}`, performance.now() - started);
      }
    },
  };
}

// Memory: sampled every 100 ms; the kernel's high-water mark (VmHWM) when /proc lets us reset it.
let baseline = { rss: 0, heapUsed: 0 };
let peak = { rss: 0, heapUsed: 0 };
/** Highest heap still in use right after a full GC (only with BENCH_LIVE_HEAP_MS set). */
let peakLive = 0;
let samples = 0;
let kernelPeak = false;
const loop = monitorEventLoopDelay({ resolution: 10 });
loop.enable();

function sample(): void {
  const m = process.memoryUsage();
  samples += 1;
  if (m.rss > peak.rss) peak.rss = m.rss;
  if (m.heapUsed > peak.heapUsed) peak.heapUsed = m.heapUsed;
}

function kernelHighWater(): number | null {
  try {
    const status = fs.readFileSync('/proc/self/status', 'utf8');
    const kb = /^VmHWM:\s+(\d+) kB/m.exec(status)?.[1];
    return kb ? Number(kb) * 1024 : null;
  } catch {
    return null;
  }
}

async function takeBaseline(): Promise<{ rss: number; heapUsed: number }> {
  const gc = (globalThis as { gc?: () => void }).gc;
  for (let i = 0; i < 3; i++) {
    gc?.();
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
  const m = process.memoryUsage();
  baseline = { rss: m.rss, heapUsed: m.heapUsed };
  peak = { ...baseline };
  peakLive = m.heapUsed;
  samples = 0;
  sql = {};
  loop.reset();
  try {
    // "5" resets the peak RSS (VmHWM) to the current RSS (Linux 4.0+).
    fs.writeFileSync('/proc/self/clear_refs', '5');
    kernelPeak = kernelHighWater() !== null;
  } catch {
    kernelPeak = false;
  }
  return baseline;
}

function report(): MemoryReport {
  sample();
  const hwm = kernelPeak ? kernelHighWater() : null;
  return {
    baselineRss: baseline.rss,
    baselineHeapUsed: baseline.heapUsed,
    peakRss: Math.max(peak.rss, hwm ?? 0),
    peakHeapUsed: peak.heapUsed,
    peakLiveHeap: peakLive,
    peakSource: hwm !== null ? 'kernel' : 'samples',
    samples,
    sql,
    loopDelay: loopDelayOf(loop),
  };
}

async function main(): Promise<void> {
  const env = process.env as Record<string, string>;
  const logger = createLogger(env.BENCH_LOG_LEVEL ?? 'warn', 'bench-worker');
  installTemporalRuntime(logger);
  const services = await buildServices(loadConfig(env, 'worker'), logger, { migrate: false, wrapDb: timedDb });
  const { worker, connection: workerConnection } = await createWorker(services, { workflowBundlePath: env.WORKFLOW_BUNDLE_PATH! });
  const sampler = setInterval(sample, SAMPLE_MS);
  const liveEvery = Number(env.BENCH_LIVE_HEAP_MS ?? 0);
  const gc = (globalThis as { gc?: () => void }).gc;
  const liveSampler =
    liveEvery > 0 && gc
      ? setInterval(() => {
          gc();
          peakLive = Math.max(peakLive, process.memoryUsage().heapUsed);
        }, liveEvery)
      : undefined;
  const running = worker.run();

  let stopping = false;
  process.on('message', (msg: WorkerRequest) => {
    const reply = (value: unknown) => process.send?.({ id: msg.id, ok: true, value } satisfies WorkerReply);
    const fail = (err: unknown) => process.send?.({ id: msg.id, ok: false, error: String((err as Error)?.message ?? err) } satisfies WorkerReply);
    if (msg.cmd === 'baseline') takeBaseline().then(reply, fail);
    else if (msg.cmd === 'report') reply(report());
    else if (msg.cmd === 'stop') {
      stopping = true;
      clearInterval(sampler);
      if (liveSampler) clearInterval(liveSampler);
      if (worker.getState() === 'RUNNING') worker.shutdown();
      running
        .then(async () => {
          await workerConnection.close();
          await services.close();
          reply(null);
          process.disconnect();
        })
        .catch(fail);
    }
  });
  // A driver that dies leaves no worker behind.
  process.once('disconnect', () => {
    if (stopping) return;
    clearInterval(sampler);
    if (liveSampler) clearInterval(liveSampler);
    if (worker.getState() === 'RUNNING') worker.shutdown();
    setTimeout(() => process.exit(0), 10_000);
  });
  process.send?.({ ready: true });
  await running;
}

main().catch((err: unknown) => {
  console.error(err);
  process.exit(1);
});
