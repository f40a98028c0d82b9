import { inject } from 'vitest';
import { createDb, type Db } from '../../src/db/pool';
import { createLogger, type Logger } from '../../src/logger';
import { cloneTemplate } from './infrastructure';

/** A fresh, migrated database for one test file, cloned from the run's template. */
export async function createTestDatabase(logger?: Logger): Promise<Db & { url: string }> {
  const url = await cloneTemplate(inject('postgresAdminUrl'), inject('templateDatabase'), 't');
  return Object.assign(createDb(url, logger ?? createLogger(process.env.TEST_LOG_LEVEL ?? 'warn', 'test-db')), { url });
}
