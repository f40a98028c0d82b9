// The topology of test/topology/*: the real Temporal cluster (topology/), the service's API in the test process
// (the harness's, through the same frontend address) and two worker processes.
import pg from 'pg';
import { startHarness, type Harness } from '../support/harness';
import { startWorkerProcess, type WorkerProcess } from '../support/spawnWorker';
import { createLogger } from '../../src/logger';
import { startTopology, type Topology } from '../../topology/topology';
import type { TemporalNode } from '../../topology/cluster';

export interface TopologyRun {
  topology: Topology;
  h: Harness;
  workers: WorkerProcess[];
  /** Replaces the killed or stopped workers, so that two poll again. */
  topUpWorkers(): Promise<void>;
  /** A query on Temporal's own database. */
  temporalDb<T extends pg.QueryResultRow>(sql: string, params?: unknown[]): Promise<T[]>;
  close(): Promise<void>;
}

export async function startTopologyRun(scenario: Record<string, unknown>): Promise<TopologyRun> {
  const logger = createLogger(process.env.TEST_LOG_LEVEL ?? 'warn', 'test-topology');
  const topology = await startTopology({ logger });
  const workers: WorkerProcess[] = [];
  let h: Harness | undefined;
  const close = async () => {
    await Promise.allSettled(workers.map((w) => w.stop()));
    await h?.close();
    await topology.close();
  };
  try {
    h = await startHarness({ scenario, inProcessWorker: false, temporalAddress: topology.frontendAddress, databaseUrl: topology.postgres.service.url });
    const env = { ...h.workerEnv, TEMPORAL_NAMESPACE: topology.namespace };
    const alive = () => workers.filter((w) => w.child.exitCode === null && w.child.signalCode === null);
    const topUpWorkers = async () => {
      while (alive().length < 2) workers.push(await startWorkerProcess(env));
    };
    await topUpWorkers();
    const temporalUrl = new URL(topology.postgres.adminUrl);
    temporalUrl.pathname = '/temporal';
    return {
      topology,
      h,
      workers,
      topUpWorkers,
      async temporalDb<T extends pg.QueryResultRow>(sql: string, params: unknown[] = []) {
        const client = new pg.Client({ connectionString: temporalUrl.toString() });
        await client.connect();
        try {
          return (await client.query<T>(sql, params)).rows;
        } finally {
          await client.end();
        }
      },
      close,
    };
  } catch (err) {
    await close();
    throw err;
  }
}

/** Shards per node, from each node's metrics (a node that is down counts none). */
export async function shardsPerNode(nodes: TemporalNode[]): Promise<Record<string, number>> {
  const entries = await Promise.all(nodes.map(async (n) => [n.name, n.running ? await n.shardsOwned().catch(() => 0) : 0] as const));
  return Object.fromEntries(entries);
}
