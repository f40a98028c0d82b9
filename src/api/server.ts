// `npm run api`: the API alone, against the servers the environment names (the production topology).
import { loadConfig } from '../config';
import { createLogger } from '../logger';
import { apiDeps, buildServices } from '../services';
import { createApp } from './app';

async function main(): Promise<void> {
  const config = loadConfig(process.env, 'api');
  const logger = createLogger(config.logLevel, 'api', undefined, config.logFormat);
  const services = await buildServices(config, logger);
  const server = createApp(apiDeps(services)).listen(config.port, () => logger.info({ port: config.port }, 'API listening'));
  const stop = () => server.close(() => void services.close().then(() => process.exit(0)));
  process.on('SIGINT', stop);
  process.on('SIGTERM', stop);
}

main().catch((err: unknown) => {
  console.error(err instanceof Error ? err.message : err);
  process.exit(1);
});
