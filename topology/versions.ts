// What the topology runs, pinned in one place: the Temporal server version (docker-compose.yml's image tags name
// the same one; test/topology/drift.test.ts fails when they differ) and the files both of them read.
import path from 'node:path';

/** The Temporal server, its SQL schema tool and its schemas, as published in the Go module go.temporal.io/server. */
export const TEMPORAL_SERVER_VERSION = '1.32.2';
export const TEMPORAL_SERVER_MODULE = 'go.temporal.io/server';
/** The module needs a newer Go than Debian's; the go command fetches this toolchain itself (GOTOOLCHAIN). */
export const GO_TOOLCHAIN = 'go1.27.3';

export const ROOT = path.join(__dirname, '..');
export const DEPLOY = path.join(ROOT, 'deploy');

/** The files docker-compose.yml mounts and the harness uses as they are. */
export const deployFiles = {
  serverConfig: path.join(DEPLOY, 'temporal', 'server.yaml'),
  dynamicConfig: path.join(DEPLOY, 'temporal', 'dynamicconfig', 'production-sql.yaml'),
  setupSchema: path.join(DEPLOY, 'temporal', 'setup-postgres.sh'),
  createNamespace: path.join(DEPLOY, 'temporal', 'create-namespace.sh'),
  createServiceDb: path.join(DEPLOY, 'postgres', 'create-service-db.sh'),
};

/** Where the built binaries are kept between runs (gitignored). */
export const CACHE_DIR = path.join(ROOT, '.cache', 'temporal-server', TEMPORAL_SERVER_VERSION);
