import { z } from 'zod';
import path from 'node:path';

const optionalString = z
  .string()
  .trim()
  .transform((v) => (v === '' ? undefined : v))
  .optional();

const configSchema = z.object({
  PORT: z.coerce.number().int().min(0).max(65535).default(3000),
  API_TOKEN: optionalString,
  PUBLIC_BASE_URL: optionalString.pipe(z.url().optional()),
  DATABASE_URL: optionalString,
  TEMPORAL_ADDRESS: optionalString,
  TEMPORAL_NAMESPACE: z.string().min(1).default('default'),
  TEMPORAL_TASK_QUEUE: z.string().min(1).default('licence-management'),
  TEMPORAL_CLI_PATH: optionalString,
  TEMPORAL_DEV_PORT: z.coerce.number().int().min(1).max(65535).default(7233),
  TEMPORAL_UI_PORT: z.coerce.number().int().min(1).max(65535).default(8233),
  ASANA_BASE_URL: optionalString.pipe(z.url().optional()),
  SIMULATOR_PORT: z.coerce.number().int().min(0).max(65535).default(3100),
  ENCRYPTION_KEY: optionalString,
  /** Where notify-and-wait emails go, e.g. smtp://user:pass@mail.example.com:587; unset: a local outbox (npm start). */
  SMTP_URL: optionalString,
  MAIL_FROM: z.string().min(3).default('Licence manager <licences@localhost>'),
  /** Signs the keep/release/approve/reject links; derived from ENCRYPTION_KEY when unset. */
  LINK_SIGNING_KEY: optionalString,
  LOG_LEVEL: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default('info'),
  DATA_DIR: z.string().default('data'),
  EMBEDDED_POSTGRES_PORT: z.coerce.number().int().min(1).max(65535).default(5433),
  /** How far back `analyzeActivityFrom` may reach; Asana keeps audit events for 90 days. */
  ANALYZE_ACTIVITY_MAX_DAYS: z.coerce.number().int().min(1).max(90).default(60),
});

export interface Config {
  port: number;
  apiToken: string | undefined;
  publicBaseUrl: string;
  databaseUrl: string | undefined;
  temporal: {
    address: string | undefined;
    namespace: string;
    taskQueue: string;
    cliPath: string | undefined;
    devPort: number;
    uiPort: number;
  };
  asanaBaseUrl: string | undefined;
  simulatorPort: number;
  encryptionKey: string | undefined;
  smtpUrl: string | undefined;
  mailFrom: string;
  linkSigningKey: string | undefined;
  logLevel: z.infer<typeof configSchema>['LOG_LEVEL'];
  dataDir: string;
  embeddedPostgresPort: number;
  analyzeActivityMaxDays: number;
}

export class ConfigError extends Error {}

/** Parses the environment once, at start-up; everything else receives the typed result. */
export function loadConfig(env: Record<string, string | undefined>): Config {
  const parsed = configSchema.safeParse(env);
  if (!parsed.success) {
    const lines = parsed.error.issues.map((i) => `  ${i.path.join('.')}: ${i.message}`);
    throw new ConfigError(`Invalid configuration:\n${lines.join('\n')}`);
  }
  const e = parsed.data;
  return {
    port: e.PORT,
    apiToken: e.API_TOKEN,
    publicBaseUrl: (e.PUBLIC_BASE_URL ?? `http://localhost:${e.PORT}`).replace(/\/+$/, ''),
    databaseUrl: e.DATABASE_URL,
    temporal: {
      address: e.TEMPORAL_ADDRESS,
      namespace: e.TEMPORAL_NAMESPACE,
      taskQueue: e.TEMPORAL_TASK_QUEUE,
      cliPath: e.TEMPORAL_CLI_PATH,
      devPort: e.TEMPORAL_DEV_PORT,
      uiPort: e.TEMPORAL_UI_PORT,
    },
    asanaBaseUrl: e.ASANA_BASE_URL?.replace(/\/+$/, ''),
    simulatorPort: e.SIMULATOR_PORT,
    encryptionKey: e.ENCRYPTION_KEY,
    smtpUrl: e.SMTP_URL,
    mailFrom: e.MAIL_FROM,
    linkSigningKey: e.LINK_SIGNING_KEY,
    logLevel: e.LOG_LEVEL,
    dataDir: path.resolve(e.DATA_DIR),
    embeddedPostgresPort: e.EMBEDDED_POSTGRES_PORT,
    analyzeActivityMaxDays: e.ANALYZE_ACTIVITY_MAX_DAYS,
  };
}
