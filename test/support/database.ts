import crypto from 'node:crypto';
import pg from 'pg';
import { inject } from 'vitest';
import { createDb, type Db } from '../../src/db/pool';
import { createLogger, type Logger } from '../../src/logger';

/** A fresh, migrated database for one test file, cloned from the run's template. */
export async function createTestDatabase(logger?: Logger): Promise<Db & { url: string }> {
  const adminUrl = inject('postgresAdminUrl');
  const name = `t_${crypto.randomBytes(6).toString('hex')}`;
  const admin = new pg.Client({ connectionString: adminUrl });
  await admin.connect();
  try {
    await admin.query(`CREATE DATABASE ${name} TEMPLATE ${inject('templateDatabase')}`);
  } finally {
    await admin.end();
  }
  const url = new URL(adminUrl);
  url.pathname = `/${name}`;
  return Object.assign(createDb(url.toString(), logger ?? createLogger(process.env.TEST_LOG_LEVEL ?? 'warn', 'test-db')), { url: url.toString() });
}
