// The servers every benchmark shares: one Temporal dev server (in memory), one PostgreSQL and one
// workflow bundle. Each benchmark then gets a fresh database cloned from a migrated template.
import { createLogger, type Logger } from '../../src/logger';
import { createDb, type Db } from '../../src/db/pool';
import { cloneTemplate, startInfrastructure } from '../../test/support/infrastructure';

export { freePort } from '../../test/support/ports';

export interface BenchEnv {
  logger: Logger;
  temporalAddress: string;
  bundlePath: string;
  /** A fresh, migrated database (cloned from the template). */
  createDatabase(): Promise<Db & { url: string }>;
  close(): Promise<void>;
}

export async function startBenchEnv(): Promise<BenchEnv> {
  const logger = createLogger(process.env.BENCH_LOG_LEVEL ?? 'warn', 'bench');
  const infra = await startInfrastructure({ logger, name: 'bench' });
  const opened: Db[] = [];
  return {
    logger,
    temporalAddress: infra.temporalAddress,
    bundlePath: infra.bundlePath,
    async createDatabase() {
      const url = await cloneTemplate(infra.postgresAdminUrl, infra.templateDatabase, 'bench');
      const db = Object.assign(createDb(url, logger), { url });
      opened.push(db);
      return db;
    },
    async close() {
      await Promise.allSettled(opened.map((db) => db.close()));
      await infra.stop();
    },
  };
}
