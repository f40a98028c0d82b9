// The service's namespace and search attributes on a real cluster, registered the way production does it:
// deploy/temporal/create-namespace.sh (the compose file's namespace step) with the Temporal CLI, then the
// search attributes through the operator service, as the worker and the API do on start. Both are idempotent.
import { execFile } from 'node:child_process';
import path from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { promisify } from 'node:util';
import { Connection } from '@temporalio/client';
import { ensureSearchAttributes } from '../src/temporal/ensureSearchAttributes';
import { customSearchAttributes } from '../src/temporal/searchAttributes';
import { findTemporalCli, TEMPORAL_CLI_MISSING } from '../src/temporal/devServer';
import { deployFiles } from './versions';

const run = promisify(execFile);

export const RETENTION = '30d';

/** Registers `namespace` through `address`, then waits until every frontend in `frontends` serves it with its search attributes. */
export async function registerNamespace(opts: { address: string; namespace: string; frontends: string[]; timeoutMs?: number }): Promise<void> {
  const cli = findTemporalCli(process.env.TEMPORAL_CLI_PATH, process.env.PATH);
  if (!cli) throw new Error(TEMPORAL_CLI_MISSING);
  await run('sh', [deployFiles.createNamespace], {
    env: {
      PATH: `${path.dirname(cli)}${path.delimiter}${process.env.PATH ?? ''}`,
      TEMPORAL_ADDRESS: opts.address,
      NAMESPACE: opts.namespace,
      RETENTION,
    },
    timeout: opts.timeoutMs ?? 120_000,
  });
  const connection = await Connection.connect({ address: opts.address });
  try {
    await ensureSearchAttributes(connection, opts.namespace);
  } finally {
    await connection.close();
  }
  for (const frontend of opts.frontends) await waitUntilServed(frontend, opts.namespace, opts.timeoutMs ?? 60_000);
}

/** Until this frontend knows the namespace and lists every custom search attribute the service writes. */
async function waitUntilServed(frontend: string, namespace: string, timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  const connection = await Connection.connect({ address: frontend });
  let last = '';
  try {
    while (Date.now() < deadline) {
      try {
        await connection.workflowService.describeNamespace({ namespace });
        const listed = await connection.operatorService.listSearchAttributes({ namespace });
        const missing = customSearchAttributes.filter((k) => !(k.name in (listed.customAttributes ?? {})));
        if (missing.length === 0) return;
        last = `search attributes missing: ${missing.map((k) => k.name).join(', ')}`;
      } catch (err) {
        last = (err as Error).message;
      }
      await sleep(250);
    }
  } finally {
    await connection.close();
  }
  throw new Error(`${frontend} does not serve namespace ${namespace} after ${timeoutMs} ms (${last})`);
}
