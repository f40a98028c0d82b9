// docker-compose.yml and the topology harness describe one deployment: the same Temporal version, the same
// server configuration and dynamic configuration files, the same schema and namespace scripts. Any drift fails here.
import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { nodeEnvironment, STANDARD_PORTS } from '../../topology/cluster';
import { RETENTION } from '../../topology/namespace';
import type { TopologyPostgres } from '../../topology/postgres';
import { configVariables, historyShards } from '../../topology/serverConfig';
import { deployFiles, ROOT, TEMPORAL_SERVER_VERSION } from '../../topology/versions';

interface ComposeService {
  image?: string;
  environment?: Record<string, string | number>;
  volumes?: string[];
  entrypoint?: string[];
}
const compose = parse(fs.readFileSync(path.join(ROOT, 'docker-compose.yml'), 'utf8'), { merge: true }) as { services: Record<string, ComposeService> };
const service = (name: string): ComposeService => {
  const s = compose.services[name];
  if (!s) throw new Error(`docker-compose.yml has no service ${name}`);
  return s;
};

/** Where a service mounts a file or folder of the repository (host path resolved from the repository's root). */
function mountOf(s: ComposeService, hostPath: string): string | undefined {
  for (const volume of s.volumes ?? []) {
    const [host, target] = volume.split(':');
    if (host && target && path.resolve(ROOT, host) === hostPath) return target;
  }
  return undefined;
}

const fakePostgres = { host: 'db', port: 5432, temporal: { user: 'temporal', password: 'x' } } as TopologyPostgres;

describe('docker-compose.yml and the topology harness', () => {
  it('name the same Temporal server version', () => {
    expect(service('temporal').image).toBe(`temporalio/server:${TEMPORAL_SERVER_VERSION}`);
    expect(service('temporal-schema').image).toBe(`temporalio/admin-tools:${TEMPORAL_SERVER_VERSION}`);
    expect(service('temporal-namespace').image).toBe(`temporalio/admin-tools:${TEMPORAL_SERVER_VERSION}`);
  });

  it('start the server with the same configuration file and dynamic configuration', () => {
    const temporal = service('temporal');
    const configTarget = mountOf(temporal, deployFiles.serverConfig);
    expect(configTarget, 'compose mounts deploy/temporal/server.yaml').toBeDefined();
    expect(temporal.environment?.TEMPORAL_SERVER_CONFIG_FILE_PATH).toBe(configTarget);
    const dynamicTarget = mountOf(temporal, path.dirname(deployFiles.dynamicConfig));
    expect(dynamicTarget, 'compose mounts deploy/temporal/dynamicconfig').toBeDefined();
    expect(temporal.environment?.DYNAMIC_CONFIG_FILE_PATH).toBe(path.posix.join(dynamicTarget!, path.basename(deployFiles.dynamicConfig)));

    // The harness's nodes read the same two files of the repository.
    const env = nodeEnvironment({ ip: '127.0.0.2', ports: STANDARD_PORTS }, fakePostgres, 'warn');
    expect(env.TEMPORAL_SERVER_CONFIG_FILE_PATH).toBe(deployFiles.serverConfig);
    expect(env.DYNAMIC_CONFIG_FILE_PATH).toBe(deployFiles.dynamicConfig);
  });

  it('set only variables the configuration reads, and both set the ones it needs', () => {
    const read = configVariables();
    const fileVariables = ['TEMPORAL_SERVER_CONFIG_FILE_PATH'];
    const composeVars = Object.keys(service('temporal').environment ?? {}).filter((k) => !fileVariables.includes(k));
    const harnessVars = Object.keys(nodeEnvironment({ ip: '127.0.0.2', ports: STANDARD_PORTS }, fakePostgres, 'warn')).filter((k) => !fileVariables.includes(k));
    expect(composeVars.filter((k) => !read.has(k)), 'compose sets variables server.yaml ignores').toEqual([]);
    expect(harnessVars.filter((k) => !read.has(k)), 'the harness sets variables server.yaml ignores').toEqual([]);
    for (const needed of ['POSTGRES_SEEDS', 'POSTGRES_USER', 'POSTGRES_PWD', 'BIND_ON_IP', 'DYNAMIC_CONFIG_FILE_PATH']) {
      expect(composeVars, needed).toContain(needed);
      expect(harnessVars, needed).toContain(needed);
    }
  });

  it('fix the number of history shards in the configuration file itself', () => {
    expect(historyShards()).toBe(16);
    expect(configVariables().has('NUM_HISTORY_SHARDS')).toBe(false);
  });

  it('set up the schemas and register the namespace with the same scripts', () => {
    const schema = service('temporal-schema');
    const schemaTarget = mountOf(schema, deployFiles.setupSchema);
    expect(schemaTarget).toBeDefined();
    expect(schema.entrypoint).toEqual(['/bin/sh', schemaTarget]);
    const namespace = service('temporal-namespace');
    const namespaceTarget = mountOf(namespace, deployFiles.createNamespace);
    expect(namespaceTarget).toBeDefined();
    expect(namespace.entrypoint).toEqual(['/bin/sh', namespaceTarget]);
    expect(namespace.environment?.RETENTION).toBe(RETENTION);
    expect(namespace.environment?.NAMESPACE).toBe(service('worker').environment?.TEMPORAL_NAMESPACE ?? 'default');
  });

  it('build the pinned version in CI through the harness, naming no version of its own', () => {
    const ci = fs.readFileSync(path.join(ROOT, '.ci', 'run'), 'utf8');
    expect(ci).toContain('topology/build.ts');
    expect(ci).not.toMatch(/go\.temporal\.io\/server|@v\d/);
  });
});
