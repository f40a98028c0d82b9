// The production topology on this machine: a Temporal cluster of two server processes on PostgreSQL, two worker
// processes and the API, serving an organization of 20,000 people; then nodes lost mid-run.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { historyShards } from '../../topology/serverConfig';
import { waitFor } from '../durability/support';
import { shardsPerNode, startTopologyRun, type TopologyRun } from './support';

// 20,000 people: 200 membership pages of 100.
const scenario = { seed: 31, members: 19_950, guests: 30, viewOnly: 20, admins: 3, inactiveShare: 0.2, eventsPerUserPerDay: 0.02, days: 30, deactivatedMembers: 1 };

let run: TopologyRun;

beforeAll(async () => {
  run = await startTopologyRun(scenario);
}, 180_000);
afterAll(async () => run?.close());

describe('the cluster', () => {
  it('spreads the history shards over both nodes, which formed one ring through PostgreSQL', async () => {
    const shards = historyShards();
    const owned = await waitFor('every shard owned', async () => {
      const perNode = await shardsPerNode(run.topology.nodes);
      return Object.values(perNode).reduce((a, b) => a + b, 0) === shards ? perNode : null;
    });
    for (const n of Object.values(owned)) expect(n).toBeGreaterThan(0);
    const members = await run.temporalDb<{ rpc_address: string }>("SELECT DISTINCT rpc_address FROM cluster_membership WHERE last_heartbeat > now() - interval '30 seconds'");
    expect(members.map((m) => m.rpc_address).sort()).toEqual(run.topology.nodes.map((n) => n.ip).sort());
    console.info(`cluster: ${shards} history shards, ${JSON.stringify(owned)}`);
  });

  it('registers the namespace and search attributes again without error (idempotent)', async () => {
    const again = await run.topology.registerNamespace();
    const third = await run.topology.registerNamespace();
    const described = await run.h.temporal.connection.workflowService.describeNamespace({ namespace: run.topology.namespace });
    expect(described.namespaceInfo?.name).toBe(run.topology.namespace);
    expect(Number(described.config?.workflowExecutionRetentionTtl?.seconds)).toBe(30 * 86_400);
    const attributes = await run.h.temporal.connection.operatorService.listSearchAttributes({ namespace: run.topology.namespace });
    expect(Object.keys(attributes.customAttributes ?? {}).sort()).toEqual(['JobKind', 'ProfileId', 'ProfileStatus']);
    console.info(`namespace registered again in ${again} ms, and again in ${third} ms`);
  });
});
