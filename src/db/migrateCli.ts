import { loadConfig } from '../config';
import { createLogger } from '../logger';
import { createDb } from './pool';
import { migrate } from './migrate';

async function main(): Promise<void> {
  const config = loadConfig(process.env);
  const logger = createLogger(config.logLevel, undefined, undefined, config.logFormat);
  if (!config.databaseUrl) throw new Error('DATABASE_URL must be set to migrate a database (npm start migrates the embedded one itself).');
  const db = createDb(config.databaseUrl, logger, 1);
  try {
    const applied = await migrate(db);
    logger.info({ applied }, applied.length ? 'migrations applied' : 'database already up to date');
  } finally {
    await db.close();
  }
}

main().catch((err: unknown) => {
  console.error(err instanceof Error ? err.message : err);
  process.exit(1);
});
