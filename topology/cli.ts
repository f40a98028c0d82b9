// `npm run topology`: the production topology on this machine, by hand. PostgreSQL, a Temporal cluster of two
// nodes (127.0.0.2 and 127.0.0.3, Temporal's standard ports), the frontend address in front of them, two workers
// and the API; it prints where each listens and runs until Ctrl-C. Everything lives in a temporary folder,
// removed on exit. ASANA_BASE_URL (for instance the simulator's, `npm run simulator`) is passed on.
import crypto from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { createLogger } from '../src/logger';
import { startServiceProcess, type ServiceProcess } from './services';
import { startTopology } from './topology';

async function main(): Promise<void> {
  const say = (line: string) => process.stdout.write(`topology: ${line}\n`);
  const topology = await startTopology({ logger: createLogger('warn', 'topology'), ports: 'standard', onProgress: say });
  const processes: ServiceProcess[] = [];
  let stopping = false;
  const stop = async () => {
    if (stopping) return;
    stopping = true;
    say('stopping');
    await Promise.allSettled(processes.map((p) => p.stop()));
    await topology.close();
    process.exit(0);
  };
  process.on('SIGINT', () => void stop());
  process.on('SIGTERM', () => void stop());

  // The API token goes to a file only this user can read, never to the terminal or a log.
  const workDir = fs.mkdtempSync(path.join(os.tmpdir(), 'licence-topology-secrets-'));
  const apiTokenFile = path.join(workDir, 'api-token');
  const apiToken = crypto.randomBytes(24).toString('hex');
  fs.writeFileSync(apiTokenFile, `${apiToken}\n`, { mode: 0o600 });
  process.once('exit', () => fs.rmSync(workDir, { recursive: true, force: true }));
  const env = {
    DATABASE_URL: topology.postgres.service.url,
    TEMPORAL_ADDRESS: topology.frontendAddress,
    TEMPORAL_NAMESPACE: topology.namespace,
    ENCRYPTION_KEY: crypto.randomBytes(32).toString('base64'),
    API_TOKEN: apiToken,
    LOG_LEVEL: process.env.LOG_LEVEL ?? 'warn',
  };
  try {
    const started = await Promise.all([
      startServiceProcess({ name: 'worker-1', entry: 'worker', env: { ...env, METRICS_PORT: '9464', TEMPORAL_SDK_METRICS_PORT: '9465' }, url: 'http://127.0.0.1:9464' }),
      startServiceProcess({ name: 'worker-2', entry: 'worker', env: { ...env, METRICS_PORT: '9466', TEMPORAL_SDK_METRICS_PORT: '9467' }, url: 'http://127.0.0.1:9466' }),
      startServiceProcess({ name: 'api', entry: 'api', env: { ...env, PORT: '3000', PUBLIC_BASE_URL: 'http://localhost:3000' }, url: 'http://127.0.0.1:3000' }),
    ]);
    processes.push(...started);
  } catch (err) {
    console.error(err instanceof Error ? err.message : err);
    await stop();
    return;
  }
  say(`PostgreSQL: 127.0.0.1:${topology.postgres.port}`);
  for (const n of topology.nodes) say(`${n.name}: frontend ${n.frontendAddress}, metrics ${n.metricsUrl}`);
  say(`frontend address (what the workers and the API use): ${topology.frontendAddress}`);
  say('worker-1: /readyz and /metrics on http://127.0.0.1:9464 (SDK metrics :9465); worker-2: http://127.0.0.1:9466 (:9467)');
  say(`API and console: http://localhost:3000 (bearer token in ${apiTokenFile})`);
  say('Ctrl-C stops everything');
}

main().catch((err: unknown) => {
  console.error(err instanceof Error ? err.message : err);
  process.exit(1);
});
