import path from 'node:path';
import { z } from 'zod';

const optionalString = z
  .string()
  .trim()
  .transform((v) => (v === '' ? undefined : v))
  .optional();

/** A whole number from the environment, refused outside min..max (written out, not `1e3` or `0x10`); unset: undefined. */
const optionalWhole = (min: number, max: number) =>
  optionalString.pipe(
    z
      .string()
      .regex(/^\d{1,9}$/, 'must be a whole number written in decimal digits')
      .transform(Number)
      .pipe(z.number().min(min, `must be at least ${min}`).max(max, `must be at most ${max}`))
      .optional(),
  );
const whole = (min: number, max: number, fallback: number) => optionalWhole(min, max).transform((v) => v ?? fallback);

const port = (fallback: number, min = 1) => z.coerce.number().int().min(min).max(65535).default(fallback);

/** The environment the service reads, once, at start-up. */
const environmentSchema = z.object({
  PORT: port(3000, 0),
  API_TOKEN: optionalString,
  PUBLIC_BASE_URL: optionalString.pipe(z.url().optional()),
  DATABASE_URL: optionalString,
  TEMPORAL_ADDRESS: optionalString,
  TEMPORAL_NAMESPACE: z.string().min(1).default('default'),
  TEMPORAL_TASK_QUEUE: z.string().min(1).default('licence-management'),
  TEMPORAL_CLI_PATH: optionalString,
  TEMPORAL_DEV_PORT: port(7233),
  TEMPORAL_UI_PORT: port(8233),
  /** Where operators open the Temporal Web UI (the console links each run there); npm start's dev server sets its own. */
  TEMPORAL_UI_URL: optionalString.pipe(z.url().optional()),
  ASANA_BASE_URL: optionalString.pipe(z.url().optional()),
  SIMULATOR_PORT: port(3100, 0),
  ENCRYPTION_KEY: optionalString,
  /** Where notify-and-wait emails go, e.g. smtp://user:pass@mail.example.com:587; unset: a local outbox (npm start). */
  SMTP_URL: optionalString,
  MAIL_FROM: z.string().min(3).default('Licence manager <licences@localhost>'),
  /** Signs the keep/release/approve/reject links; derived from ENCRYPTION_KEY when unset. */
  LINK_SIGNING_KEY: optionalString,
  LOG_LEVEL: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default('info'),
  /** json or pretty; unset: pretty on a terminal, JSON otherwise. */
  LOG_FORMAT: z.enum(['json', 'pretty']).optional(),
  DATA_DIR: z.string().default('data'),
  EMBEDDED_POSTGRES_PORT: port(5433),
  /** How far back `analyzeActivityFrom` may reach; Asana keeps audit events for 90 days. */
  /** The standalone worker's /metrics, /healthz and /readyz. */
  METRICS_PORT: port(9464),
  /** Where the Temporal SDK's own Prometheus exporter listens (on loopback; its metrics are appended to /metrics); 0: off. */
  TEMPORAL_SDK_METRICS_PORT: port(9465, 0),
  ANALYZE_ACTIVITY_MAX_DAYS: z.coerce.number().int().min(1).max(90).default(60),
  RESTORE_WINDOW_DAYS: z.coerce.number().positive().max(3650).default(30),
  RESTORE_PROTECTION_DAYS: z.coerce.number().positive().max(3650).default(90),
  // ---- worker concurrency and Asana pacing (many organizations at once) ----
  /**
   * Activities one worker process runs at once. A walk spends its time waiting on Asana (latency, its token's
   * budget), so one worker holds every profile's walk at once; with fewer slots a profile's run queues behind others'.
   */
  WORKER_MAX_CONCURRENT_ACTIVITIES: whole(1, 1000, 100),
  /** Workflow tasks one worker process runs at once (the SDK's default is 40). */
  WORKER_MAX_CONCURRENT_WORKFLOW_TASKS: whole(2, 1000, 40),
  /** Workflows kept in the worker's sticky cache; unset: the SDK's choice from the machine's memory. */
  WORKER_MAX_CACHED_WORKFLOWS: optionalWhole(0, 100_000),
  /**
   * PostgreSQL connections one process keeps. Every walk writes its pages and books its token's requests through
   * this pool, so with many profiles walking at once a small pool makes each walk wait for a connection.
   */
  DATABASE_POOL_SIZE: whole(1, 500, 25),
  /** Requests to Asana one token has in flight at once in one worker process (Asana allows about 50 concurrent GETs per token). */
  ASANA_MAX_CONCURRENT_REQUESTS: whole(1, 50, 50),
});

type Environment = z.output<typeof environmentSchema>;

/**
 * What each way of running the service must be told. `npm start` (all) starts whatever is not configured;
 * a standalone worker or API runs against servers that already exist, so it must be given them.
 */
export type Role = 'all' | 'worker' | 'api';

const REQUIRED: Record<Role, Array<keyof Environment>> = {
  all: [],
  worker: ['DATABASE_URL', 'TEMPORAL_ADDRESS', 'ENCRYPTION_KEY'],
  api: ['DATABASE_URL', 'TEMPORAL_ADDRESS', 'ENCRYPTION_KEY', 'API_TOKEN'],
};
const STANDALONE: Record<Role, string> = { all: '', worker: 'A standalone worker', api: 'The standalone API' };

function configSchema(role: Role) {
  return environmentSchema
    .superRefine((e, ctx) => {
      for (const name of REQUIRED[role]) {
        if (e[name] === undefined) ctx.addIssue({ code: 'custom', path: [name], message: `${STANDALONE[role]} needs ${name} (npm start runs everything embedded).` });
      }
    })
    .transform((e) => ({
      port: e.PORT,
      apiToken: e.API_TOKEN,
      publicBaseUrl: (e.PUBLIC_BASE_URL ?? `http://localhost:${e.PORT}`).replace(/\/+$/, ''),
      databaseUrl: e.DATABASE_URL,
      databasePoolSize: e.DATABASE_POOL_SIZE,
      temporal: {
        address: e.TEMPORAL_ADDRESS,
        namespace: e.TEMPORAL_NAMESPACE,
        taskQueue: e.TEMPORAL_TASK_QUEUE,
        cliPath: e.TEMPORAL_CLI_PATH,
        devPort: e.TEMPORAL_DEV_PORT,
        uiPort: e.TEMPORAL_UI_PORT,
        uiUrl: e.TEMPORAL_UI_URL?.replace(/\/+$/, ''),
      },
      asanaBaseUrl: e.ASANA_BASE_URL?.replace(/\/+$/, ''),
      simulatorPort: e.SIMULATOR_PORT,
      encryptionKey: e.ENCRYPTION_KEY,
      smtpUrl: e.SMTP_URL,
      mailFrom: e.MAIL_FROM,
      linkSigningKey: e.LINK_SIGNING_KEY,
      logLevel: e.LOG_LEVEL,
      logFormat: e.LOG_FORMAT,
      dataDir: path.resolve(e.DATA_DIR),
      embeddedPostgresPort: e.EMBEDDED_POSTGRES_PORT,
      analyzeActivityMaxDays: e.ANALYZE_ACTIVITY_MAX_DAYS,
      /** How long after a removal a reclaim can be undone, and how long the restored person is then protected. */
      restore: { windowDays: e.RESTORE_WINDOW_DAYS, protectionDays: e.RESTORE_PROTECTION_DAYS },
      worker: {
        maxConcurrentActivityTaskExecutions: e.WORKER_MAX_CONCURRENT_ACTIVITIES,
        maxConcurrentWorkflowTaskExecutions: e.WORKER_MAX_CONCURRENT_WORKFLOW_TASKS,
        maxCachedWorkflows: e.WORKER_MAX_CACHED_WORKFLOWS,
      },
      /** Each token's cap of requests in flight in this process (its budget per minute is the profile's option). */
      asanaPacing: { maxInFlight: e.ASANA_MAX_CONCURRENT_REQUESTS },
      metricsPort: e.METRICS_PORT,
      sdkMetricsPort: e.TEMPORAL_SDK_METRICS_PORT,
    }));
}

export type Config = z.output<ReturnType<typeof configSchema>>;

export class ConfigError extends Error {}

/** Parses the environment once, at start-up; everything else receives the typed result. */
export function loadConfig(env: Record<string, string | undefined>, role: Role = 'all'): Config {
  const parsed = configSchema(role).safeParse(env);
  if (!parsed.success) {
    const lines = parsed.error.issues.map((i) => `  ${i.path.join('.')}: ${i.message}`);
    throw new ConfigError(`Invalid configuration:\n${lines.join('\n')}`);
  }
  return parsed.data;
}
