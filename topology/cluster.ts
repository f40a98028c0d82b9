// The Temporal cluster: server processes started from the pinned binary with deploy/temporal/server.yaml (the
// file the compose file mounts), each on an address of its own, each running all four services. A node can be
// killed (SIGKILL, as a lost machine), stopped and started again on the same address and ports.
import { spawn, type ChildProcess } from 'node:child_process';
import { setTimeout as sleep } from 'node:timers/promises';
import { Connection } from '@temporalio/client';
import type { TemporalBinaries } from './build';
import type { TopologyPostgres } from './postgres';
import { freeLowPortOn } from './ports';
import { deployFiles } from './versions';

export interface NodePorts {
  frontend: number;
  frontendHttp: number;
  frontendMembership: number;
  history: number;
  historyMembership: number;
  matching: number;
  matchingMembership: number;
  worker: number;
  workerMembership: number;
  metrics: number;
}

export interface TemporalNode {
  name: string;
  ip: string;
  ports: NodePorts;
  /** host:port of this node's frontend. */
  frontendAddress: string;
  metricsUrl: string;
  readonly running: boolean;
  pid: number | undefined;
  /** Starts the process; resolves once its frontend answers. */
  start(): Promise<void>;
  /** SIGKILL: no shutdown, its shards are left to the other nodes to take over. */
  kill(): Promise<void>;
  /** SIGTERM: the graceful shutdown (it hands its shards over first). */
  stop(): Promise<void>;
  /** How many history shards this node owns now, from its own metrics (numshards_gauge). */
  shardsOwned(): Promise<number>;
  /** The last lines it wrote, for a failure message. */
  output(): string;
}

/** The standard ports of a Temporal server (what the compose deployment uses). */
export const STANDARD_PORTS: NodePorts = {
  frontend: 7233,
  frontendHttp: 7243,
  frontendMembership: 6933,
  history: 7234,
  historyMembership: 6934,
  matching: 7235,
  matchingMembership: 6935,
  worker: 7239,
  workerMembership: 6939,
  metrics: 8000,
};

/** Free ports on `ip` for every listener of a node (so the topology never collides with anything else on the machine). */
export async function freeNodePorts(ip: string): Promise<NodePorts> {
  const ports: Partial<NodePorts> = {};
  const taken = new Set<number>();
  for (const k of Object.keys(STANDARD_PORTS) as Array<keyof NodePorts>) {
    let port = await freeLowPortOn(ip);
    while (taken.has(port)) port = await freeLowPortOn(ip);
    taken.add(port);
    ports[k] = port;
  }
  return ports as NodePorts;
}

/** The environment deploy/temporal/server.yaml reads: the same variables the compose file sets. */
export function nodeEnvironment(node: { ip: string; ports: NodePorts }, pg: TopologyPostgres, logLevel: string): Record<string, string> {
  const p = node.ports;
  return {
    TEMPORAL_SERVER_CONFIG_FILE_PATH: deployFiles.serverConfig,
    DYNAMIC_CONFIG_FILE_PATH: deployFiles.dynamicConfig,
    LOG_LEVEL: logLevel,
    POSTGRES_SEEDS: pg.host,
    DB_PORT: String(pg.port),
    POSTGRES_USER: pg.temporal.user,
    POSTGRES_PWD: pg.temporal.password,
    BIND_ON_IP: node.ip,
    TEMPORAL_BROADCAST_ADDRESS: node.ip,
    FRONTEND_GRPC_PORT: String(p.frontend),
    FRONTEND_HTTP_PORT: String(p.frontendHttp),
    FRONTEND_MEMBERSHIP_PORT: String(p.frontendMembership),
    HISTORY_GRPC_PORT: String(p.history),
    HISTORY_MEMBERSHIP_PORT: String(p.historyMembership),
    MATCHING_GRPC_PORT: String(p.matching),
    MATCHING_MEMBERSHIP_PORT: String(p.matchingMembership),
    WORKER_GRPC_PORT: String(p.worker),
    WORKER_MEMBERSHIP_PORT: String(p.workerMembership),
    PROMETHEUS_PORT: String(p.metrics),
  };
}

export function temporalNode(opts: { name: string; ip: string; ports: NodePorts; binaries: TemporalBinaries; pg: TopologyPostgres; logLevel?: string }): TemporalNode {
  const { ip, ports } = opts;
  const frontendAddress = `${ip}:${ports.frontend}`;
  let child: ChildProcess | null = null;
  let exited: Promise<void> = Promise.resolve();
  let log = '';
  const alive = () => child !== null && child.exitCode === null && child.signalCode === null;

  const end = async (signal: NodeJS.Signals) => {
    if (!child) return;
    if (alive()) child.kill(signal);
    const timer = setTimeout(() => child?.kill('SIGKILL'), 30_000);
    await exited;
    clearTimeout(timer);
    child = null;
  };

  return {
    name: opts.name,
    ip,
    ports,
    frontendAddress,
    metricsUrl: `http://${ip}:${ports.metrics}/metrics`,
    get running() {
      return alive();
    },
    get pid() {
      return child?.pid;
    },
    async start() {
      if (alive()) return;
      // Only what the config reads, plus PATH: nothing else of the caller's environment reaches the server.
      const env = { PATH: process.env.PATH ?? '', ...nodeEnvironment(opts, opts.pg, opts.logLevel ?? 'warn') };
      const started = spawn(opts.binaries.server, ['start'], { env, stdio: ['ignore', 'pipe', 'pipe'] });
      child = started;
      const collect = (chunk: Buffer) => {
        log = (log + chunk.toString()).slice(-16_000);
      };
      started.stdout!.on('data', collect);
      started.stderr!.on('data', collect);
      exited = new Promise((resolve) => started.once('exit', () => resolve()));
      const stopWithUs = () => started.kill('SIGKILL');
      process.once('exit', stopWithUs);
      started.once('exit', () => process.off('exit', stopWithUs));
      try {
        await waitUntilServing(frontendAddress, () => started.exitCode === null && started.signalCode === null, 90_000);
      } catch (err) {
        await end('SIGKILL');
        throw new Error(`Temporal node ${opts.name} did not start on ${frontendAddress}: ${(err as Error).message}\n${log.slice(-4000)}`, { cause: err });
      }
    },
    kill: () => end('SIGKILL'),
    stop: () => end('SIGTERM'),
    async shardsOwned() {
      const text = await (await fetch(`http://${ip}:${ports.metrics}/metrics`)).text();
      const line = text.split('\n').find((l) => l.startsWith('numshards_gauge{'));
      return line ? Number(line.slice(line.lastIndexOf(' ') + 1)) : 0;
    },
    output: () => log,
  };
}

async function waitUntilServing(address: string, running: () => boolean, timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  let lastError: unknown;
  while (Date.now() < deadline) {
    if (!running()) throw new Error('the process exited');
    try {
      const connection = await Connection.connect({ address, connectTimeout: 1_000 });
      try {
        await connection.workflowService.getSystemInfo({});
        return;
      } finally {
        await connection.close();
      }
    } catch (err) {
      lastError = err;
      await sleep(250);
    }
  }
  throw new Error(`not serving after ${timeoutMs} ms (${(lastError as Error)?.message ?? 'no answer'})`);
}
