import { parseArgs } from 'node:util';
import pino from 'pino';
import { demoApp } from './demoApp';
import { startSimulator } from './index';
import type { AppInput, ScenarioInput } from './types';

/**
 * Standalone simulator:
 *   npm run simulator -- --port 3100 --seed 7 --members 200 --guests 20 --view-only 10 --admins 3 \
 *     --inactive-share 0.2 --client-id X --client-secret Y --redirect-uri http://localhost:3000/oauth_redirect
 */

const USAGE = `Usage: npm run simulator -- [options]
  --port N                     listen port (default 3100; 0 = any free port)
  --host H                     listen address (default 127.0.0.1)
  --seed N --members N --guests N --view-only N --admins N
  --inactive-share X --recently-created-share X --events-per-user-per-day X --days N
  --deactivated-members N      members listed with is_active=false (default 1)
  --organization / --no-organization
  --audit-log enabled|forbidden|payment_required
  --tier personal|starter|advanced|enterprise|enterprise_plus   plan tier (default enterprise_plus)
  --plan unlimited|free|paid   rate limit of the domain tier (default unlimited)
  --projects N                 (default: one per 5 people)
  --stories-per-user-per-day X --stories-only-share X --login-only-share X
  --service-account            create a service account at start and print its token
  --workspace-name NAME --email-domain DOMAIN
  --client-id ID --client-secret SECRET --redirect-uri URI (repeatable)
  --log-level LEVEL            (default info)
Without --client-id a demo app is registered and its credentials printed.`;

const options = {
  help: { type: 'boolean' },
  port: { type: 'string' },
  host: { type: 'string' },
  seed: { type: 'string' },
  members: { type: 'string' },
  guests: { type: 'string' },
  'view-only': { type: 'string' },
  admins: { type: 'string' },
  'inactive-share': { type: 'string' },
  'recently-created-share': { type: 'string' },
  'events-per-user-per-day': { type: 'string' },
  days: { type: 'string' },
  'deactivated-members': { type: 'string' },
  organization: { type: 'boolean' },
  'no-organization': { type: 'boolean' },
  'audit-log': { type: 'string' },
  tier: { type: 'string' },
  plan: { type: 'string' },
  projects: { type: 'string' },
  'stories-per-user-per-day': { type: 'string' },
  'stories-only-share': { type: 'string' },
  'login-only-share': { type: 'string' },
  'service-account': { type: 'boolean' },
  'workspace-name': { type: 'string' },
  'email-domain': { type: 'string' },
  'client-id': { type: 'string' },
  'client-secret': { type: 'string' },
  'redirect-uri': { type: 'string', multiple: true },
  'log-level': { type: 'string' },
} as const;

function numberOption(value: string | undefined, name: string): number | undefined {
  if (value === undefined) return undefined;
  const n = Number(value);
  if (!Number.isFinite(n)) throw new Error(`--${name} must be a number, got ${value}`);
  return n;
}

function scenarioFrom(values: Record<string, string | boolean | string[] | undefined>): Partial<ScenarioInput> {
  const str = (k: string): string | undefined => (typeof values[k] === 'string' ? (values[k] as string) : undefined);
  const scenario: Record<string, unknown> = {
    seed: numberOption(str('seed'), 'seed'),
    members: numberOption(str('members'), 'members'),
    guests: numberOption(str('guests'), 'guests'),
    viewOnly: numberOption(str('view-only'), 'view-only'),
    admins: numberOption(str('admins'), 'admins'),
    inactiveShare: numberOption(str('inactive-share'), 'inactive-share'),
    recentlyCreatedShare: numberOption(str('recently-created-share'), 'recently-created-share'),
    eventsPerUserPerDay: numberOption(str('events-per-user-per-day'), 'events-per-user-per-day'),
    days: numberOption(str('days'), 'days'),
    deactivatedMembers: numberOption(str('deactivated-members'), 'deactivated-members'),
    isOrganization: values['no-organization'] === true ? false : values.organization === true ? true : undefined,
    auditLog: str('audit-log'),
    tier: str('tier'),
    plan: str('plan'),
    projects: numberOption(str('projects'), 'projects'),
    storiesPerUserPerDay: numberOption(str('stories-per-user-per-day'), 'stories-per-user-per-day'),
    storiesOnlyShare: numberOption(str('stories-only-share'), 'stories-only-share'),
    loginOnlyShare: numberOption(str('login-only-share'), 'login-only-share'),
    workspaceName: str('workspace-name'),
    emailDomain: str('email-domain'),
  };
  return Object.fromEntries(Object.entries(scenario).filter(([, v]) => v !== undefined)) as Partial<ScenarioInput>;
}

function appFrom(values: Record<string, string | boolean | string[] | undefined>): { app: AppInput; demo: boolean } {
  const clientId = values['client-id'];
  const clientSecret = values['client-secret'];
  const redirectUris = values['redirect-uri'];
  const uris = Array.isArray(redirectUris) && redirectUris.length > 0 ? redirectUris : undefined;
  if (typeof clientId === 'string') {
    if (typeof clientSecret !== 'string') throw new Error('--client-secret is required with --client-id');
    return { app: { clientId, clientSecret, redirectUris: uris ?? demoApp().redirectUris }, demo: false };
  }
  return { app: demoApp(uris), demo: true };
}

async function main(): Promise<void> {
  const { values } = parseArgs({ options, strict: true, allowPositionals: false });
  if (values.help) {
    process.stdout.write(`${USAGE}\n`);
    return;
  }
  const logger = pino({ name: 'asana-simulator', level: values['log-level'] ?? 'info' });
  const { app, demo } = appFrom(values);
  const running = await startSimulator({
    port: numberOption(values.port, 'port') ?? 3100,
    host: values.host ?? '127.0.0.1',
    scenario: scenarioFrom(values),
    apps: [app],
    logger,
  });
  const state = running.sim.state();
  const lines = [
    `Asana simulator listening on ${running.url}`,
    `  workspace gid:   ${state.workspace.gid} (${state.workspace.name}, ${state.members.length} people)`,
    `  admin user gid:  ${state.adminUserGid} (the authorize endpoint approves as this user)`,
    `  ${demo ? 'demo app' : 'app'} client id:     ${app.clientId}`,
    `  ${demo ? 'demo app' : 'app'} client secret: ${app.clientSecret}`,
    `  redirect URIs:   ${app.redirectUris.join(', ')}`,
    `  control:         ${running.url}/_sim/state`,
  ];
  // The audit log answers only a service account's token, so a demo that reads it needs one.
  if (values['service-account']) lines.push(`  service account token: ${running.sim.createServiceAccount().token}`);
  process.stdout.write(`${lines.join('\n')}\n`);

  let stopping = false;
  const stop = (signal: string): void => {
    if (stopping) return;
    stopping = true;
    logger.info({ signal }, 'stopping Asana simulator');
    running.close().then(
      () => process.exit(0),
      (err: unknown) => {
        logger.error({ err }, 'simulator did not close cleanly');
        process.exit(1);
      },
    );
  };
  process.on('SIGINT', () => stop('SIGINT'));
  process.on('SIGTERM', () => stop('SIGTERM'));
}

main().catch((err: unknown) => {
  process.stderr.write(`${err instanceof Error ? err.message : String(err)}\n`);
  process.exit(1);
});
