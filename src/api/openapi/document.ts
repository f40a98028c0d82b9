// The OpenAPI 3.1 document of the control API, generated from the zod schemas of operations.ts: requests as
// the routes accept them (`io: input`), answers as the routes build them (`io: output`), named answers as
// components. Served at /api/openapi.json.
import { z } from 'zod';
import { OPERATIONS, rolesOf, type Operation } from './operations';
import { problemSchema, timestamp } from './components';

type JsonSchema = Record<string, unknown>;

const REF = (id: string) => `#/components/schemas/${id}`;

/** Dates are ISO 8601 strings on the wire (JSON.stringify of a Date). */
const dates = (ctx: { zodSchema: unknown }) => (ctx.zodSchema === timestamp || (ctx.zodSchema as { _zod?: { def?: { type?: string } } })._zod?.def?.type === 'date' ? { type: 'string' as const, format: 'date-time' } : undefined);

function schemaOf(schema: z.ZodType, io: 'input' | 'output', components: Record<string, JsonSchema>): JsonSchema {
  const registry = z.registry<{ id: string }>();
  const json = z.toJSONSchema(schema, { io, unrepresentable: (ctx) => dates(ctx) ?? 'throw', metadata: io === 'output' ? undefined : registry, reused: 'inline' }) as JsonSchema;
  delete json.$schema;
  // Named output schemas become components; the operation refers to them.
  return io === 'output' ? lift(json, components) : json;
}

/** Moves `$defs` (the schemas with a `meta({ id })`) into the components, pointing the refs at them. */
function lift(json: JsonSchema, components: Record<string, JsonSchema>): JsonSchema {
  const defs = (json.$defs ?? {}) as Record<string, JsonSchema>;
  delete json.$defs;
  const relink = (node: unknown): unknown => {
    if (Array.isArray(node)) return node.map(relink);
    if (!node || typeof node !== 'object') return node;
    const out: Record<string, unknown> = {};
    for (const [k, v] of Object.entries(node)) out[k] = k === '$ref' && typeof v === 'string' ? v.replace('#/$defs/', '#/components/schemas/') : relink(v);
    return out;
  };
  for (const [id, def] of Object.entries(defs)) components[id] = relink(def) as JsonSchema;
  const top = relink(json) as JsonSchema;
  // A schema that is itself named is referred to as a whole.
  if (typeof top.id === 'string') {
    const { id, ...rest } = top;
    components[id as string] = rest;
    return { $ref: REF(id as string) };
  }
  return top;
}

const STATUS_TEXT: Record<number, string> = {
  200: 'OK',
  201: 'Created',
  202: 'Accepted: the run has started',
  204: 'Done; no content',
  302: 'Redirect',
  400: 'Bad request: the detail (and errors[]) names the field',
  401: 'Missing or wrong API token',
  403: "Refused: the token's role does not allow this (the detail and requiredRole name the role it needs), or a console request came without its CSRF token or from another site",
  404: 'No such profile or object',
  409: 'Not allowed in the current state, or a concurrent request won',
  410: 'Expired',
  413: 'The body is larger than 1 MB once decompressed',
  415: 'The body is not JSON in UTF-8, or its Content-Encoding is unknown',
  502: 'Asana refused the code exchange',
  503: 'Not ready: PostgreSQL or Temporal is down',
};

function parameters(op: Operation, components: Record<string, JsonSchema>): JsonSchema[] {
  const path = [...op.path.matchAll(/\{(\w+)\}/g)].map((m) => ({
    name: m[1],
    in: 'path',
    required: true,
    schema: m[1] === 'identifier' || m[1] === 'token' ? { type: 'string' } : { type: 'string', format: 'uuid' },
  }));
  if (!op.query) return path;
  const query = schemaOf(op.query, 'input', components) as { properties?: Record<string, JsonSchema>; required?: string[] };
  return [
    ...path,
    ...Object.entries(query.properties ?? {}).map(([name, schema]) => ({ name, in: 'query', required: (query.required ?? []).includes(name), schema })),
  ];
}

function responses(op: Operation, components: Record<string, JsonSchema>): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  const html = Object.values(op.responses).includes('text/html');
  for (const [status, body] of Object.entries(op.responses)) {
    if (body === null) out[status] = { description: STATUS_TEXT[Number(status)] };
    else if (body === 'text/csv' || body === 'text/html' || body === 'text/plain') out[status] = { description: STATUS_TEXT[Number(status)], content: { [body]: { schema: { type: 'string' } } } };
    else out[status] = { description: STATUS_TEXT[Number(status)], content: { 'application/json': { schema: schemaOf(body as z.ZodType, 'output', components) } } };
  }
  const problems = op.public ? op.problems : [...op.problems, 401, 403];
  for (const status of [...new Set(problems)].sort()) {
    const content = html
      ? { 'text/html': { schema: { type: 'string' } } }
      : { [status === 503 ? 'application/json' : 'application/problem+json']: { schema: status === 503 ? { $ref: REF('Readiness') } : { $ref: REF('Problem') } } };
    out[String(status)] = { description: STATUS_TEXT[status], content };
  }
  return out;
}

let cached: JsonSchema | undefined;

export function openApiDocument(): JsonSchema {
  if (cached) return cached;
  const components: Record<string, JsonSchema> = {};
  schemaOf(problemSchema, 'output', components);
  const paths: Record<string, Record<string, unknown>> = {};
  for (const op of OPERATIONS) {
    const operation: Record<string, unknown> = {
      operationId: `${op.method}${op.path.replace(/\{(\w+)\}/g, 'By_$1').replace(/[^A-Za-z0-9_]+(.)?/g, (_, c: string | undefined) => (c ? c.toUpperCase() : ''))}`,
      summary: op.summary,
      tags: [op.tag],
      parameters: parameters(op, components),
      responses: responses(op, components),
      ...(op.public ? { security: [] } : { 'x-roles': rolesOf(op) }),
    };
    if (op.body) operation.requestBody = { required: true, content: { 'application/json': { schema: schemaOf(op.body, 'input', components) } } };
    (paths[op.path] ??= {})[op.method] = operation;
  }
  cached = {
    openapi: '3.1.0',
    info: {
      title: 'Asana licence manager',
      version: '0.1.0',
      description: 'The control API: profiles (one Asana organization each), their runs, related lists and licence position. Errors are RFC 9457 problem documents.',
    },
    servers: [{ url: '/' }],
    security: [{ bearer: [] }, { consoleSession: [] }],
    tags: [...new Set(OPERATIONS.map((o) => o.tag))].map((name) => ({ name })),
    paths,
    components: {
      securitySchemes: {
        bearer: { type: 'http', scheme: 'bearer', description: 'The API token (API_TOKEN, or data/api-token with npm start).' },
        consoleSession: { type: 'apiKey', in: 'cookie', name: 'lm_session', description: 'The web console: POST /api/session; requests that change something also send X-CSRF-Token.' },
      },
      schemas: components,
    },
  };
  return cached;
}
