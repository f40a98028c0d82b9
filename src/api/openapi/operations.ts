// Every operation of the control API, with the zod schemas its route validates requests with and the schemas of
// what it answers: the OpenAPI document (document.ts) is generated from this table.
import { z } from 'zod';
import { createProfileSchema, paginationSchema, patchProfileSchema } from '../schemas';
import { jobResultsQuery, runBody } from '../routes/runs';
import { subscriptionsListQuery } from '../routes/lists/subscriptions';
import { softwareModelPatch, softwareModelsQuery } from '../routes/lists/softwareModels';
import { mappingBody, unrecognizedIdentifiersQuery } from '../routes/lists/unrecognizedIdentifiers';
import { reclamationRulePatch, reclamationRulesQuery } from '../routes/lists/reclamationRules';
import { identifierExclusionCreate, identifierExclusionPatch, identifierExclusionsQuery } from '../routes/lists/identifierExclusions';
import { userExclusionCreate, userExclusionPatch, userExclusionsQuery } from '../routes/lists/userExclusions';
import { removalCandidatesListQuery } from '../routes/lists/removalCandidates';
import { entitlementsQuery } from '../routes/licence/entitlements';
import { entitlementCreateSchema, entitlementPatchSchema } from '../routes/licence/entitlementFields';
import { candidatesCsvQuery, subscriptionsCsvQuery } from '../routes/licence/exports';
import { positionQuery } from '../routes/licence/position';
import { sessionSchema, signInBody } from '../console/sessions';
import {
  apiTokenSchema,
  auditEventSchema,
  createdTokenSchema,
  meSchema,
  authorizeUrlSchema,
  entitlementSchema,
  identifierExclusionSchema,
  jobResultSchema,
  licencePositionSchema,
  listOf,
  mappingResultSchema,
  profileSchema,
  readinessSchema,
  reclamationRuleSchema,
  removalCandidateSchema,
  runStartedSchema,
  scheduledJobSchema,
  softwareModelSchema,
  subscriptionSchema,
  unrecognizedIdentifierSchema,
  userExclusionSchema,
  validateResultSchema,
} from './components';

import { tokenCreateBody } from '../routes/tokens';
import { meQuery } from '../routes/me';
import { auditEventsCsvQuery, auditEventsListQuery } from '../routes/audit';
import { ADMIN, ANY_ROLE, INTEGRATOR, METRICS_READERS } from '../../access/roles';
import type { Role } from '../../store/tokens';

export type Method = 'get' | 'post' | 'patch' | 'delete';

export interface Operation {
  method: Method;
  /** With OpenAPI's `{param}` placeholders. */
  path: string;
  summary: string;
  tag: string;
  /** Public: no bearer token (health, the OAuth redirect, the signed links). */
  public?: boolean;
  query?: z.ZodObject;
  body?: z.ZodType;
  /** Success statuses and what they carry: a schema (JSON), `text/csv`, `text/html`, or nothing (204, 302). */
  responses: Partial<Record<200 | 201 | 202 | 204 | 302, z.ZodType | 'text/csv' | 'text/html' | 'text/plain' | null>>;
  /** The problem statuses the operation can answer (401 and 403 are added to every operation that needs the token). */
  problems: number[];
  /** The roles that may call it; unset: any role for a GET, integrator or admin otherwise (see rolesOf). */
  roles?: readonly Role[];
}

/** The roles an operation allows. */
export function rolesOf(op: Pick<Operation, 'method' | 'roles'>): readonly Role[] {
  return op.roles ?? (op.method === 'get' ? ANY_ROLE : INTEGRATOR);
}

// Request schemas depend on the time (analyzeActivityFrom's bounds); their shape does not.
const createProfile = createProfileSchema(new Date(), 60);
const patchProfile = patchProfileSchema(new Date(), 60);
const profiles = '/api/profiles/{id}';

const list = (path: string, summary: string, tag: string, item: z.ZodType, query: z.ZodObject): Operation => ({
  method: 'get',
  path,
  summary,
  tag,
  query,
  responses: { 200: listOf(item) },
  problems: [400, 404],
});

export const OPERATIONS: Operation[] = [
  { method: 'get', path: '/healthz', summary: 'The process is alive', tag: 'Health', public: true, responses: { 200: z.object({ status: z.literal('alive') }) }, problems: [] },
  { method: 'get', path: '/readyz', summary: 'PostgreSQL and Temporal answer (503 names what is down)', tag: 'Health', public: true, responses: { 200: readinessSchema }, problems: [503] },

  {
    method: 'get',
    path: '/metrics',
    summary: 'Prometheus metrics of the process (runs, Asana requests, waits, candidates, API requests)',
    tag: 'Health',
    responses: { 200: 'text/plain' },
    problems: [],
    roles: METRICS_READERS,
  },

  { method: 'get', path: '/api/me', summary: 'Who the token is: its name, role, profiles, and the operations it may call', tag: 'Access', query: meQuery, responses: { 200: meSchema }, problems: [400] },
  list('/api/audit-events', 'The audit trail, oldest first: who changed or decided what, and the change', 'Audit', auditEventSchema, auditEventsListQuery),
  { method: 'get', path: '/api/audit-events.csv', summary: 'The audit trail, every row, as CSV', tag: 'Audit', query: auditEventsCsvQuery, responses: { 200: 'text/csv' }, problems: [400] },
  { method: 'get', path: '/api/tokens', summary: 'The API tokens (never their secrets), revoked ones included', tag: 'Access', query: paginationSchema.strict(), responses: { 200: listOf(apiTokenSchema) }, problems: [400], roles: ADMIN },
  { method: 'post', path: '/api/tokens', summary: 'Create a token; its secret is in this answer only', tag: 'Access', body: tokenCreateBody, responses: { 201: createdTokenSchema }, problems: [400, 404, 409, 413, 415], roles: ADMIN },
  { method: 'delete', path: '/api/tokens/{tokenId}', summary: 'Revoke a token, at once', tag: 'Access', responses: { 204: null }, problems: [404], roles: ADMIN },

  { method: 'get', path: '/api/profiles', summary: 'List the profiles', tag: 'Profiles', query: paginationSchema, responses: { 200: listOf(profileSchema) }, problems: [400] },
  { method: 'post', path: '/api/profiles', summary: 'Create a profile (status draft)', tag: 'Profiles', body: createProfile, responses: { 201: profileSchema }, problems: [400, 404, 409, 413, 415] },
  { method: 'get', path: profiles, summary: 'Read a profile', tag: 'Profiles', responses: { 200: profileSchema }, problems: [404] },
  { method: 'patch', path: profiles, summary: 'Change the display name, options or connection', tag: 'Profiles', body: patchProfile, responses: { 200: profileSchema }, problems: [400, 404, 409, 413, 415] },
  { method: 'delete', path: profiles, summary: 'Delete the profile, its schedules, runs and reviews', tag: 'Profiles', responses: { 204: null }, problems: [404, 409] },
  {
    method: 'get',
    path: `${profiles}/oauth/authorize`,
    summary: "Go to Asana's consent page (302), or its URL with Accept: application/json",
    tag: 'Profiles',
    responses: { 200: authorizeUrlSchema, 302: null },
    problems: [404, 409],
    // A GET that starts a change: it issues the OAuth state the redirect completes.
    roles: INTEGRATOR,
  },
  { method: 'post', path: `${profiles}/validate`, summary: 'Run the checks; answers each with its remedy', tag: 'Profiles', responses: { 200: validateResultSchema }, problems: [404, 409] },
  { method: 'post', path: `${profiles}/publish`, summary: 'Publish: status published, schedules created', tag: 'Profiles', responses: { 200: profileSchema }, problems: [404, 409] },
  { method: 'post', path: `${profiles}/unpublish`, summary: 'Unpublish: status draft, schedules deleted, data kept', tag: 'Profiles', responses: { 200: profileSchema }, problems: [404, 409] },
  ...['/oauth_redirect', '/oauth_redirect.do'].map((path): Operation => ({
    method: 'get',
    path,
    summary: 'Where Asana sends the browser back (code and state); an HTML page',
    tag: 'OAuth',
    public: true,
    query: z.object({ code: z.string().optional(), state: z.string().optional(), error: z.string().optional() }),
    responses: { 200: 'text/html' },
    problems: [400, 409, 502],
  })),

  { method: 'get', path: `${profiles}/scheduled-jobs`, summary: "The profile's Temporal Schedules, with next and recent runs", tag: 'Runs', query: paginationSchema.strict(), responses: { 200: listOf(scheduledJobSchema) }, problems: [400, 404] },
  { method: 'post', path: `${profiles}/runs`, summary: 'Start a run now (409 while one of its kind runs)', tag: 'Runs', body: runBody, responses: { 202: runStartedSchema }, problems: [400, 404, 409, 413, 415] },
  list(`${profiles}/job-results`, 'What every run recorded', 'Runs', jobResultSchema, jobResultsQuery),

  list(`${profiles}/subscriptions`, 'Who holds a seat', 'People', subscriptionSchema, subscriptionsListQuery),
  { method: 'get', path: `${profiles}/subscriptions.csv`, summary: 'The subscriptions, every row, as CSV', tag: 'People', query: subscriptionsCsvQuery, responses: { 200: 'text/csv' }, problems: [400, 404] },
  list(`${profiles}/removal-candidates`, 'Who a rule selected, and what became of them', 'People', removalCandidateSchema, removalCandidatesListQuery),
  {
    method: 'post',
    path: `${profiles}/removal-candidates/{candidateId}/restore`,
    summary: 'Undo a reclaim: add the person back to the organization (within the restore window); repeating it is harmless',
    tag: 'People',
    responses: { 200: removalCandidateSchema },
    problems: [404, 409, 502],
  },
  { method: 'get', path: `${profiles}/removal-candidates.csv`, summary: 'The removal candidates, every row, as CSV', tag: 'People', query: candidatesCsvQuery, responses: { 200: 'text/csv' }, problems: [400, 404] },

  list(`${profiles}/software-models`, 'What is licensed, and its rule', 'Models and rules', softwareModelSchema, softwareModelsQuery),
  { method: 'patch', path: `${profiles}/software-models/{modelId}`, summary: 'Say whether a model costs money', tag: 'Models and rules', body: softwareModelPatch, responses: { 200: softwareModelSchema }, problems: [400, 404, 413, 415] },
  list(`${profiles}/unrecognized-identifiers`, 'Licence types no model maps (kept, not costed)', 'Models and rules', unrecognizedIdentifierSchema, unrecognizedIdentifiersQuery),
  {
    method: 'post',
    path: `${profiles}/unrecognized-identifiers/{identifier}/mapping`,
    summary: 'Map an identifier to a model (or a new one) and re-link its subscriptions',
    tag: 'Models and rules',
    body: mappingBody,
    responses: { 201: mappingResultSchema },
    problems: [400, 404, 409, 413, 415],
  },
  list(`${profiles}/reclamation-rules`, 'One rule per model', 'Models and rules', reclamationRuleSchema, reclamationRulesQuery),
  { method: 'patch', path: `${profiles}/reclamation-rules/{ruleId}`, summary: 'Change a rule', tag: 'Models and rules', body: reclamationRulePatch, responses: { 200: reclamationRuleSchema }, problems: [400, 404, 413, 415] },
  list(`${profiles}/exclusion-rules/identifiers`, 'Licence types never counted or reclaimed', 'Models and rules', identifierExclusionSchema, identifierExclusionsQuery),
  { method: 'post', path: `${profiles}/exclusion-rules/identifiers`, summary: 'Exclude a licence type', tag: 'Models and rules', body: identifierExclusionCreate, responses: { 201: identifierExclusionSchema }, problems: [400, 404, 409, 413, 415] },
  { method: 'patch', path: `${profiles}/exclusion-rules/identifiers/{ruleId}`, summary: 'Change an identifier exclusion', tag: 'Models and rules', body: identifierExclusionPatch, responses: { 200: identifierExclusionSchema }, problems: [400, 404, 409, 413, 415] },
  { method: 'delete', path: `${profiles}/exclusion-rules/identifiers/{ruleId}`, summary: 'Remove an identifier exclusion', tag: 'Models and rules', responses: { 204: null }, problems: [404] },
  list(`${profiles}/exclusion-rules/users`, 'People never counted or reclaimed', 'Models and rules', userExclusionSchema, userExclusionsQuery),
  { method: 'post', path: `${profiles}/exclusion-rules/users`, summary: 'Exclude a person (by gid or email)', tag: 'Models and rules', body: userExclusionCreate, responses: { 201: userExclusionSchema }, problems: [400, 404, 409, 413, 415] },
  { method: 'patch', path: `${profiles}/exclusion-rules/users/{ruleId}`, summary: 'Change a user exclusion', tag: 'Models and rules', body: userExclusionPatch, responses: { 200: userExclusionSchema }, problems: [400, 404, 409, 413, 415] },
  { method: 'delete', path: `${profiles}/exclusion-rules/users/{ruleId}`, summary: 'Remove a user exclusion', tag: 'Models and rules', responses: { 204: null }, problems: [404] },

  list(`${profiles}/entitlements`, 'Seats bought per model', 'Licence position', entitlementSchema, entitlementsQuery),
  { method: 'post', path: `${profiles}/entitlements`, summary: 'Record seats bought', tag: 'Licence position', body: entitlementCreateSchema, responses: { 201: entitlementSchema }, problems: [400, 404, 409, 413, 415] },
  { method: 'get', path: `${profiles}/entitlements/{entitlementId}`, summary: 'Read an entitlement', tag: 'Licence position', responses: { 200: entitlementSchema }, problems: [404] },
  { method: 'patch', path: `${profiles}/entitlements/{entitlementId}`, summary: 'Change an entitlement', tag: 'Licence position', body: entitlementPatchSchema, responses: { 200: entitlementSchema }, problems: [400, 404, 409, 413, 415] },
  { method: 'delete', path: `${profiles}/entitlements/{entitlementId}`, summary: 'Remove an entitlement', tag: 'Licence position', responses: { 204: null }, problems: [404] },
  { method: 'get', path: `${profiles}/license-position`, summary: 'The newest reconciliation per model, totals and history', tag: 'Licence position', query: positionQuery, responses: { 200: licencePositionSchema }, problems: [400, 404] },

  {
    method: 'post',
    path: '/api/session',
    summary: 'Sign the console in with the API token: an HttpOnly session cookie, and the CSRF token to send back',
    tag: 'Console',
    public: true,
    body: signInBody,
    responses: { 201: sessionSchema },
    problems: [400, 401, 403, 413, 415],
  },
  {
    method: 'get',
    path: '/api/session',
    summary: "The console's session (from its cookie) and its CSRF token; 204 when not signed in, 401 when its token is no longer accepted",
    tag: 'Console',
    public: true,
    responses: { 200: sessionSchema, 204: null },
    problems: [401],
  },
  { method: 'delete', path: '/api/session', summary: 'Sign the console out: the session ends, its cookie is cleared', tag: 'Console', public: true, responses: { 204: null }, problems: [403] },

  {
    method: 'get',
    path: '/candidate-actions/{token}',
    summary: "A notify-and-wait link: a confirmation page (a used or expired link says so)",
    tag: 'Notify and wait',
    public: true,
    responses: { 200: 'text/html' },
    problems: [400, 404, 409, 410],
  },
  { method: 'post', path: '/candidate-actions/{token}', summary: 'Confirm a notify-and-wait link (works once)', tag: 'Notify and wait', public: true, responses: { 200: 'text/html' }, problems: [400, 404, 409, 410] },
];
