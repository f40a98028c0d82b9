// `npm run bench [-- <name>...] [--sizes <n,n,...>] [--json <file>]`: the performance benchmarks of PRODUCT.md section 7.
//   memory     peak worker memory per organization size (flat as the organization grows)
//   copy       our subscription writes vs a raw PostgreSQL COPY of the same rows
//   ratelimit  run wall time vs the time the rate limit itself requires
//   stories    the stories walk: bound by the rate limit, incremental, flat in memory
//   backfill   the audit log's first read in time slices: bound by the rate limit, not by latency
//   fleet      50 organizations at once: every run completes, no token over its limit, none waits on another, two workers beat one
//   download   a 50,000-person download: members a second, and wall time against the latency floor
// With no name, all of them run, in that order. Figures are ratios measured within one run.
// --sizes sets the organization sizes of the memory benchmark (default 2000,10000,40000); --json writes every figure to a file.
import fs from 'node:fs';
import os from 'node:os';
import { startBenchEnv } from './support/env';
import { fmt, table, type BenchResult } from './support/report';
import { runMemory } from './memory';
import { runCopy } from './copy';
import { runRateLimit } from './ratelimit';
import { runStories } from './stories';
import { runBackfill } from './backfill';
import { runFleet } from './fleet';
import { runDownload } from './download';

interface Options {
  sizes?: number[];
}

const BENCHMARKS: Record<string, (env: Awaited<ReturnType<typeof startBenchEnv>>, opts: Options) => Promise<BenchResult>> = {
  memory: (env, opts) => runMemory(env, opts.sizes),
  copy: (env) => runCopy(env),
  ratelimit: (env) => runRateLimit(env),
  stories: (env) => runStories(env),
  backfill: (env) => runBackfill(env),
  fleet: (env) => runFleet(env),
  download: (env) => runDownload(env),
};

function usage(): never {
  process.stderr.write(`usage: npm run bench [-- ${Object.keys(BENCHMARKS).join('|')} ...] [--sizes <n,n,...>] [--json <file>]\n`);
  process.exit(2);
}

async function main(): Promise<void> {
  const args = process.argv.slice(2);
  const names: string[] = [];
  let jsonFile: string | undefined;
  const opts: Options = {};
  for (let i = 0; i < args.length; i++) {
    const a = args[i]!;
    if (a === '--json') jsonFile = args[++i] ?? usage();
    else if (a === '--sizes') {
      const sizes = (args[++i] ?? usage()).split(',').map(Number);
      if (sizes.length < 2 || sizes.some((n, k) => !Number.isInteger(n) || n < 100 || n > 200_000 || (k > 0 && n <= sizes[k - 1]!))) {
        process.stderr.write('--sizes takes at least two organization sizes, 100 to 200000, smallest first\n');
        usage();
      }
      opts.sizes = sizes;
    }
    else if (a === '--help' || a === '-h') usage();
    else if (a in BENCHMARKS) names.push(a);
    else {
      process.stderr.write(`unknown benchmark "${a}"\n`);
      usage();
    }
  }
  const selected = names.length > 0 ? names : Object.keys(BENCHMARKS);
  const flags = [...names, ...(opts.sizes ? ['--sizes', opts.sizes.join(',')] : [])];
  const command = `npm run bench${flags.length > 0 ? ` -- ${flags.join(' ')}` : ''}`;

  const started = Date.now();
  process.stdout.write(
    `# Benchmarks (${new Date().toISOString().slice(0, 10)}, ${os.cpus().length} cores, ${fmt(os.totalmem() / 2 ** 30, 0)} GiB, Node ${process.version}, ` +
      `load average ${loadAverage()})\n` +
      `Reproduce: ${command}\n`,
  );
  const env = await startBenchEnv();
  // Ctrl-C: stop the servers and remove the scratch folder rather than leave them behind.
  for (const signal of ['SIGINT', 'SIGTERM'] as const) {
    process.once(signal, () => {
      process.stderr.write(`\n${signal}: stopping\n`);
      void env.close().finally(() => process.exit(130));
    });
  }
  const results: BenchResult[] = [];
  try {
    for (const name of selected) results.push(await BENCHMARKS[name]!(env, opts));
  } finally {
    await env.close();
  }
  const verdicts = results.flatMap((r) => r.verdicts);
  process.stdout.write(
    `\n## Summary (${fmt((Date.now() - started) / 1000, 0)} s; load average now ${loadAverage()})\n\nReproduce: ${command}\n\n` +
      table(
        ['figure', 'measured', 'target', ''],
        verdicts.map((v) => [v.name, fmt(v.value, 2), v.target, v.met ? 'met' : 'MISSED']),
      ) +
      '\n',
  );
  if (jsonFile) {
    fs.writeFileSync(jsonFile, JSON.stringify({ date: new Date().toISOString(), cores: os.cpus().length, command, results }, null, 2));
  }
}

function loadAverage(): string {
  return os
    .loadavg()
    .map((l) => fmt(l, 2))
    .join(' ');
}

main().catch((err: unknown) => {
  console.error(err);
  process.exit(1);
});
