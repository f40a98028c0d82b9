// A data folder from an earlier version: its cluster has the fixed password and its tables belong to the superuser.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import pg from 'pg';
import { afterAll, describe, expect, it } from 'vitest';
import { ensureDatabase, startEmbeddedPostgres } from '../../src/db/embedded';
import { startLocalDatabase } from '../../src/db/localDatabase';
import { createDb } from '../../src/db/pool';
import { migrate } from '../../src/db/migrate';
import { createLogger } from '../../src/logger';
import { freePort } from '../support/ports';

const logger = createLogger(process.env.TEST_LOG_LEVEL ?? 'warn', 'test-local-db');
const work = fs.mkdtempSync(path.join(os.tmpdir(), 'licence-localdb-'));
fs.chmodSync(work, 0o755);
afterAll(() => fs.rmSync(work, { recursive: true, force: true }));

describe('the embedded database of an earlier version', () => {
  it('gets a generated superuser password, and its tables are handed to the service role', async () => {
    const port = await freePort();
    const old = await startEmbeddedPostgres({ dir: path.join(work, 'postgres'), port, logger, password: 'postgres' });
    await ensureDatabase(old.adminUrl, 'licence_manager');
    const asSuperuser = createDb(old.urlFor('licence_manager'), logger, 1);
    await migrate(asSuperuser);
    await asSuperuser.close();
    await old.stop();

    const local = await startLocalDatabase({ dataDir: work, port, logger, supervise: { onGiveUp: () => undefined } });
    try {
      const legacy = new pg.Client({ connectionString: `postgres://postgres:postgres@127.0.0.1:${port}/postgres` });
      await expect(legacy.connect()).rejects.toThrow(/password authentication failed/);
      expect(fs.statSync(path.join(work, 'postgres-superuser-password')).mode & 0o777).toBe(0o600);

      // The service runs as its own role, owns what the superuser created, and migrates as that role.
      const db = createDb(local.url, logger, 1);
      expect(new URL(local.url).username).toBe('licence_manager');
      const foreign = await db.query<{ n: number }>("SELECT count(*)::int AS n FROM pg_tables WHERE schemaname = 'public' AND tableowner <> current_user");
      expect(foreign[0]!.n).toBe(0);
      expect(await migrate(db)).toEqual([]);
      await db.query('INSERT INTO profiles (id, display_name, options) VALUES (gen_random_uuid(), $1, $2)', ['after the upgrade', '{}']);
      await db.close();
    } finally {
      await local.stop();
    }
  }, 120_000);
});
