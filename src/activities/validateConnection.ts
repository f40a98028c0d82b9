import type { Db } from '../db/pool';
import type { ProfileOptions, ValidationCheck } from '../profiles/types';
import { withOptionDefaults } from '../profiles/options';
import { sourcesToRead } from '../runs/activitySources';
import type { AsanaClient } from '../asana/client';
import type { AsanaClients } from '../profiles/asanaClients';
import { AsanaApiError, AsanaAuthError } from '../asana/errors';
import { getConnection, setWorkspaceGid, type ConnectionRecord } from '../store/profiles';

const SUBSCRIPTIONS = 'Download Subscriptions' as const;
const ACTIVITY = 'Calculate Activity' as const;

/**
 * The checks of PRODUCT.md section 3: the Download Subscriptions API always, the Calculate Activity API only
 * when activity is downloaded. The reclaim API is never called here.
 */
export async function validateAsanaConnection(input: { db: Db; asana: AsanaClients; profileId: string; options: ProfileOptions }): Promise<ValidationCheck[]> {
  const connection = await getConnection(input.db, input.profileId);
  if (!connection?.hasTokens) {
    return [fail(SUBSCRIPTIONS, 'authorization', 'The connection is not authorized.', 'Authorize the profile with Asana, then validate again.')];
  }
  const asana = input.asana.forConnection(connection, { maxRateLimitWaits: 3 });
  const checks: ValidationCheck[] = [];
  try {
    const workspaceGid = connection.workspaceGid ?? (await pickWorkspace(asana, checks));
    if (!workspaceGid) return checks;
    if (!connection.workspaceGid) await setWorkspaceGid(input.db, input.profileId, workspaceGid);

    const workspace = await asana.getWorkspace(workspaceGid);
    checks.push(
      workspace.is_organization
        ? pass(SUBSCRIPTIONS, 'organization', `${workspace.name} is an Asana organization.`)
        : fail(SUBSCRIPTIONS, 'organization', `${workspace.name} is a workspace, not an organization; this integration supports organizations only.`, 'Connect an Asana organization (a workspace tied to a company email domain).'),
    );

    const memberships = await asana.getUserWorkspaceMemberships('me', ['is_admin', 'workspace', 'user.name']);
    const mine = memberships.find((m) => m.workspace?.gid === workspaceGid);
    const who = connection.authorizedUserName ?? 'The authorized user';
    checks.push(
      mine?.is_admin
        ? pass(SUBSCRIPTIONS, 'admin', `${who} is an admin of ${workspace.name}.`)
        : fail(SUBSCRIPTIONS, 'admin', `${who} is not an admin of ${workspace.name}; downloading subscriptions and reclaiming seats need an organization admin.`, 'Authorize again, signed in to Asana as an organization admin.'),
    );

    checks.push(await firstPageCheck(SUBSCRIPTIONS, 'memberships', 'The workspace memberships can be read.', async () => {
      for await (const _page of asana.workspaceMembershipPages(workspaceGid, { optFields: ['is_admin'], limit: 1 })) break;
    }));

    if (input.options.downloadActivity) checks.push(...(await activityChecks(input, connection, asana, workspaceGid)));
  } catch (err) {
    checks.push(failureCheck(checks.length === 0 ? SUBSCRIPTIONS : checks[checks.length - 1]!.api, 'connection', err));
  }
  return checks;
}

/**
 * The Calculate Activity checks: one per source the profile will read (see runs/activitySources.ts). With
 * `auto` and no Service Account token that is stories alone, and validation passes on them.
 */
async function activityChecks(input: { asana: AsanaClients; options: ProfileOptions }, connection: ConnectionRecord, asana: AsanaClient, workspaceGid: string): Promise<ValidationCheck[]> {
  const options = withOptionDefaults(input.options);
  const sources = sourcesToRead(options, connection.hasServiceAccountToken);
  if (sources.length === 0) {
    return [fail(ACTIVITY, 'sources', 'Nothing counts as activity: meaningfulActivity switches off logins, stories and audit events alike.', 'Set at least one of options.meaningfulActivity.logins, .stories or .auditEvents to true.')];
  }
  const checks: ValidationCheck[] = [];
  if (sources.includes('stories')) {
    // With auto and no Service Account, say why the audit log is left out (and how to add it): it is not a failure.
    const auditLogNote = options.activitySources === 'auto' && !connection.hasServiceAccountToken ? ` The audit log is not read: ${AUDIT_LOG_NEEDS}` : '';
    checks.push(await firstPageCheck(ACTIVITY, 'stories', `The projects, their tasks and stories can be read (activity from stories, every plan).${auditLogNote}`, async () => {
      for await (const _page of asana.projectPages(workspaceGid, { limit: 1 })) break;
    }));
  }
  if (sources.includes('auditLog')) {
    const serviceAccount = await input.asana.forServiceAccount(connection, { maxRateLimitWaits: 3 });
    checks.push(
      serviceAccount
        ? await firstPageCheck(ACTIVITY, 'auditLog', 'The audit log answers the Service Account.', async () => {
            for await (const _page of serviceAccount.auditLogEventPages(workspaceGid, { limit: 1 })) break;
          })
        : fail(ACTIVITY, 'auditLog', 'The audit log was asked for (activitySources), but the connection holds no Service Account token.', AUDIT_LOG_REMEDY),
    );
  }
  return checks;
}

const AUDIT_LOG_NEEDS = 'it needs a Service Account token on Enterprise or Enterprise+ (connection.serviceAccountToken).';
const AUDIT_LOG_REMEDY =
  'The audit log needs a Service Account token on Enterprise or Enterprise+. Add one as connection.serviceAccountToken, or leave activitySources on auto: activity will come from stories.';

const AUDIT_LOG_REFUSED_REMEDY =
  'Asana opens the audit log only on Enterprise and Enterprise+, and only to a Service Account token of this organization: check the plan and the token, or set activitySources to ["stories"] (or clear connection.serviceAccountToken) to read stories alone.';

async function pickWorkspace(asana: AsanaClient, checks: ValidationCheck[]): Promise<string | null> {
  const me = await asana.getMe(['workspaces', 'name']);
  const workspaces = me.workspaces ?? [];
  if (workspaces.length === 1) return workspaces[0]!.gid;
  const names = workspaces.map((w) => `${w.name} (${w.gid})`).join(', ');
  checks.push(
    fail(SUBSCRIPTIONS, 'organization', workspaces.length === 0 ? 'The authorized user belongs to no Asana workspace.' : `The authorized user belongs to several workspaces: ${names}.`, 'Set connection.workspaceGid on the profile to the organization to manage, then validate again.'),
  );
  return null;
}

async function firstPageCheck(api: ValidationCheck['api'], name: string, okMessage: string, read: () => Promise<void>): Promise<ValidationCheck> {
  try {
    await read();
    return pass(api, name, okMessage);
  } catch (err) {
    return failureCheck(api, name, err);
  }
}

function failureCheck(api: ValidationCheck['api'], name: string, err: unknown): ValidationCheck {
  if (err instanceof AsanaAuthError && err.reason === 'service_account_rejected') return fail(api, name, err.message, AUDIT_LOG_REMEDY);
  if (err instanceof AsanaAuthError) {
    return fail(api, name, 'Asana no longer accepts the connection\'s authorization (revoked or expired grant).', 'Authorize the profile again.');
  }
  if (err instanceof AsanaApiError) {
    if (name === 'auditLog' && (err.status === 402 || err.status === 403)) return fail(api, name, `Asana refused the audit log (${err.status}): ${err.message}`, AUDIT_LOG_REFUSED_REMEDY);
    return fail(api, name, `Asana answered ${err.status}: ${err.message}`, err.status >= 500 ? 'Asana is having trouble; validate again in a few minutes.' : 'Check the connection settings, then validate again.');
  }
  throw err;
}

function pass(api: ValidationCheck['api'], name: string, message: string): ValidationCheck {
  return { name, api, passed: true, message };
}

function fail(api: ValidationCheck['api'], name: string, message: string, remedy: string): ValidationCheck {
  return { name, api, passed: false, message, remedy };
}
