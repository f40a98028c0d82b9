// Temporal's schemas on the topology's PostgreSQL, set up by deploy/temporal/setup-postgres.sh (the script the
// compose file runs in the admin-tools image) with the SQL tool built from the pinned version.
import { execFile } from 'node:child_process';
import path from 'node:path';
import { promisify } from 'node:util';
import type { TemporalBinaries } from './build';
import type { TopologyPostgres } from './postgres';
import { deployFiles } from './versions';

const run = promisify(execFile);

export async function setUpTemporalSchemas(binaries: TemporalBinaries, pg: TopologyPostgres): Promise<void> {
  await run('sh', [deployFiles.setupSchema], {
    env: {
      PATH: `${path.dirname(binaries.sqlTool)}${path.delimiter}${process.env.PATH ?? ''}`,
      SQL_HOST: pg.host,
      SQL_PORT: String(pg.port),
      SQL_USER: pg.temporal.user,
      SQL_PASSWORD: pg.temporal.password,
      SCHEMA_DIR: binaries.schemaDir,
    },
  });
}
