// The production topology on one machine, without Docker: a PostgreSQL of its own holding Temporal's databases
// and the service's, Temporal's schemas set up by the compose file's script, a cluster of Temporal server
// processes on their own loopback addresses, the namespace registered, and one frontend address in front of them.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { Logger } from '../src/logger';
import { ensureTemporalBinaries, type TemporalBinaries } from './build';
import { freeNodePorts, STANDARD_PORTS, temporalNode, type TemporalNode } from './cluster';
import { startFrontendProxy, type FrontendProxy } from './frontendProxy';
import { registerNamespace } from './namespace';
import { freePortOn } from './ports';
import { startTopologyPostgres, type TopologyPostgres } from './postgres';
import { setUpTemporalSchemas } from './schema';

/** Loopback addresses of the nodes: on Linux the whole of 127.0.0.0/8 answers on the loopback interface. */
export const NODE_IPS = ['127.0.0.2', '127.0.0.3'];

export interface Topology {
  binaries: TemporalBinaries;
  postgres: TopologyPostgres;
  nodes: TemporalNode[];
  /** The one address clients use (the load balancer's place). */
  frontendAddress: string;
  namespace: string;
  /** Every node stopped (SIGTERM), in turn. */
  stopCluster(): Promise<void>;
  /** Every stopped node started again, together (a node alone waits for the others to form the ring). */
  startCluster(): Promise<void>;
  /** Registers the namespace and search attributes again (idempotent), answering how long it took. */
  registerNamespace(): Promise<number>;
  close(): Promise<void>;
}

export interface TopologyOptions {
  logger: Logger;
  namespace?: string;
  /** 'free': ports nothing else uses (tests); 'standard': Temporal's usual ports on each node's address, and 7233 for the clients. */
  ports?: 'free' | 'standard';
  /** Where PostgreSQL keeps its data; a temporary folder (removed on close) without it. */
  dataDir?: string;
  serverLogLevel?: string;
  onProgress?: (line: string) => void;
}

export async function startTopology(opts: TopologyOptions): Promise<Topology> {
  const say = opts.onProgress ?? (() => undefined);
  const namespace = opts.namespace ?? 'default';
  const temporary = !opts.dataDir;
  // As root, PostgreSQL runs as the postgres user, which must be able to enter the folder.
  const workDir = opts.dataDir ?? fs.mkdtempSync(path.join(os.tmpdir(), 'licence-topology-'));
  fs.mkdirSync(workDir, { recursive: true });
  fs.chmodSync(workDir, 0o755);
  const removeWorkDir = () => temporary && fs.rmSync(workDir, { recursive: true, force: true });
  process.once('exit', removeWorkDir);

  let postgres: TopologyPostgres | undefined;
  let proxy: FrontendProxy | undefined;
  const nodes: TemporalNode[] = [];
  const close = async () => {
    await proxy?.close();
    await Promise.allSettled(nodes.map((n) => n.stop()));
    await postgres?.stop();
    removeWorkDir();
  };
  try {
    const [binaries, pgPort] = await Promise.all([ensureTemporalBinaries(say), freePortOn('127.0.0.1')]);
    postgres = await startTopologyPostgres({ dir: workDir, port: pgPort, logger: opts.logger });
    say(`PostgreSQL on 127.0.0.1:${pgPort} (databases temporal, temporal_visibility, ${postgres.service.database})`);
    await setUpTemporalSchemas(binaries, postgres);
    say('Temporal schemas set up');
    for (const [i, ip] of NODE_IPS.entries()) {
      const ports = opts.ports === 'standard' ? STANDARD_PORTS : await freeNodePorts(ip);
      nodes.push(temporalNode({ name: `temporal-${i + 1}`, ip, ports, binaries, pg: postgres, logLevel: opts.serverLogLevel }));
    }
    // The first start of a cluster writes its metadata to PostgreSQL, and two nodes doing it at once race (one
    // fails): one node first, then the others join it.
    await nodes[0]!.start();
    await Promise.all(nodes.slice(1).map((n) => n.start()));
    for (const n of nodes) say(`${n.name}: frontend ${n.frontendAddress}, metrics ${n.metricsUrl}`);
    // With the standard ports, the clients' address is the usual one too: 127.0.0.1:7233.
    proxy = await startFrontendProxy({ upstreams: () => nodes.map((n) => n.frontendAddress), port: opts.ports === 'standard' ? STANDARD_PORTS.frontend : 0 });
    const frontends = nodes.map((n) => n.frontendAddress);
    const register = async () => {
      const started = Date.now();
      await registerNamespace({ address: proxy!.address, namespace, frontends });
      return Date.now() - started;
    };
    await register();
    say(`namespace ${namespace} registered; clients connect to ${proxy.address}`);
    return {
      binaries,
      postgres,
      nodes,
      frontendAddress: proxy.address,
      namespace,
      async stopCluster() {
        for (const n of nodes) await n.stop();
      },
      async startCluster() {
        await Promise.all(nodes.filter((n) => !n.running).map((n) => n.start()));
      },
      registerNamespace: register,
      close,
    };
  } catch (err) {
    await close();
    throw err;
  }
}
