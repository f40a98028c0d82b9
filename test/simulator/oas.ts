import { readFileSync } from 'node:fs';
import path from 'node:path';
import Ajv, { type ErrorObject, type ValidateFunction } from 'ajv';
import addFormats from 'ajv-formats';
import YAML from 'yaml';

/**
 * Asana's OpenAPI document turned into JSON Schema validators for response bodies.
 *
 * Two strengths of check:
 * - "declared": the schema exactly as the document declares it (open objects, as OpenAPI means them);
 * - "closed": the same schema with every object closed (additionalProperties false) and every nested
 *   *Compact resource widened to its *Response schema, because opt_fields may ask for any field of a
 *   resource's full record. A closed check catches fields the simulator invents or mistypes.
 */

type Schema = Record<string, unknown>;
export type Check = 'declared' | 'closed';

const OAS_FILE = path.join(__dirname, '..', 'contract', 'asana_oas.yaml');
const DOC_ID = 'asana-oas';
const SCHEMA_PREFIX = '#/components/schemas/';

export class AsanaOas {
  readonly doc: Schema;
  private readonly ajv: Ajv;
  private readonly cache = new Map<string, ValidateFunction>();

  constructor() {
    this.doc = YAML.parse(readFileSync(OAS_FILE, 'utf8')) as Schema;
    applyKnownDiscrepancies(this.schemas());
    this.ajv = new Ajv({ allErrors: true, strict: false });
    addFormats(this.ajv);
    this.ajv.addFormat('binary', true);
    this.ajv.addSchema({ $id: DOC_ID, components: { schemas: toJsonSchema(this.schemas()) } });
  }

  /** The schema of an operation's response; throws when the document declares none. */
  responseSchema(pathKey: string, method: string, status: number): Schema {
    const operation = (this.obj(this.doc.paths, `paths`)[pathKey] as Schema | undefined)?.[method] as Schema | undefined;
    if (!operation) throw new Error(`The OAS has no operation ${method.toUpperCase()} ${pathKey}`);
    const response = (operation.responses as Schema | undefined)?.[String(status)] as Schema | undefined;
    if (!response) throw new Error(`The OAS declares no ${status} response for ${method.toUpperCase()} ${pathKey}`);
    return this.contentSchema(response, `${method.toUpperCase()} ${pathKey} ${status}`);
  }

  /** The schema of a shared response (components.responses), e.g. TooManyRequests. */
  componentResponseSchema(name: string): Schema {
    const response = this.obj(this.obj(this.doc.components, 'components').responses, 'components.responses')[name] as Schema | undefined;
    if (!response) throw new Error(`The OAS has no components.responses.${name}`);
    return this.contentSchema(response, `components.responses.${name}`);
  }

  validator(schema: Schema, check: Check): ValidateFunction {
    const prepared = check === 'closed' ? close(schema, this.schemas(), [], false) : schema;
    const key = `${check}:${JSON.stringify(schema)}`;
    let fn = this.cache.get(key);
    if (!fn) {
      fn = this.ajv.compile(toJsonSchema(prepared) as Schema);
      this.cache.set(key, fn);
    }
    return fn;
  }

  /** Human-readable problems of `body` against the schema; empty when it conforms. */
  problems(schema: Schema, check: Check, body: unknown): string[] {
    const fn = this.validator(schema, check);
    return fn(body) ? [] : (fn.errors ?? []).map(describe);
  }

  private contentSchema(response: Schema, what: string): Schema {
    let resolved = response;
    if (typeof resolved.$ref === 'string') resolved = this.resolve(resolved.$ref);
    const schema = ((resolved.content as Schema | undefined)?.['application/json'] as Schema | undefined)?.schema as Schema | undefined;
    if (!schema) throw new Error(`The OAS gives no application/json schema for ${what}`);
    return schema;
  }

  private resolve(ref: string): Schema {
    if (!ref.startsWith('#/')) throw new Error(`Unsupported $ref ${ref}`);
    let node: unknown = this.doc;
    for (const part of ref.slice(2).split('/')) node = (node as Schema)[part.replace(/~1/g, '/').replace(/~0/g, '~')];
    if (!node || typeof node !== 'object') throw new Error(`Unresolvable $ref ${ref}`);
    return node as Schema;
  }

  private schemas(): Schema {
    return this.obj(this.obj(this.doc.components, 'components').schemas, 'components.schemas');
  }

  private obj(value: unknown, what: string): Schema {
    if (!value || typeof value !== 'object') throw new Error(`The OAS has no ${what}`);
    return value as Schema;
  }
}

function describe(e: ErrorObject): string {
  const extra = e.keyword === 'additionalProperties' ? ` (${String((e.params as { additionalProperty?: string }).additionalProperty)})` : '';
  return `${e.instancePath || '(root)'} ${e.message ?? e.keyword}${extra}`;
}

/**
 * Where the document contradicts itself, the simulator follows the document's own examples.
 * Each patch first checks that the contradiction is still there, so a fixed document fails loudly.
 */
function applyKnownDiscrepancies(schemas: Schema): void {
  // WorkspaceResponse.email_domains says `format: uri` but its example is ["asana.com"]: bare domains.
  const parts = (schemas.WorkspaceResponse as Schema).allOf as Schema[];
  const emailDomains = (parts[1]?.properties as Schema | undefined)?.email_domains as Schema | undefined;
  const items = emailDomains?.items as Schema | undefined;
  if (items?.format !== 'uri' || !Array.isArray(emailDomains?.example) || emailDomains.example[0] !== 'asana.com') {
    throw new Error('WorkspaceResponse.email_domains changed in the OAS; revisit applyKnownDiscrepancies');
  }
  delete items.format;

  // A story's created_by is a plain UserCompact, yet stories no person caused (rules, Asana itself) have none; the
  // document says so of events ("Some events are generated by the system, and will have `null` as the user").
  // The simulator answers created_by: null for those, so null is allowed there, and only there.
  const storyParts = (schemas.StoryResponse as Schema).allOf as Schema[];
  for (const properties of [(schemas.StoryCompact as Schema).properties, storyParts[1]?.properties] as (Schema | undefined)[]) {
    const createdBy = properties?.created_by as Schema | undefined;
    if (!properties || createdBy?.$ref !== `${SCHEMA_PREFIX}UserCompact` || Object.keys(createdBy).length !== 1) {
      throw new Error('Story created_by changed in the OAS; revisit applyKnownDiscrepancies');
    }
    properties.created_by = { anyOf: [createdBy, { type: 'null' }] };
  }
}

function isObjectSchema(node: Schema): boolean {
  return node.type === 'object' || (node.properties !== undefined && node.type === undefined);
}

/** Closes objects and widens nested Compact resources; see the class comment. */
function close(node: Schema, schemas: Schema, stack: string[], nested: boolean): Schema {
  if (typeof node.$ref === 'string') {
    if (!node.$ref.startsWith(SCHEMA_PREFIX)) throw new Error(`Unsupported $ref ${node.$ref}`);
    let name = node.$ref.slice(SCHEMA_PREFIX.length);
    const full = name.replace(/Compact$/, 'Response');
    if (nested && full !== name && schemas[full]) name = full;
    // A resource inside itself: check that level as declared rather than recurse for ever.
    if (stack.includes(name)) return { $ref: `${SCHEMA_PREFIX}${name}` };
    const target = schemas[name] as Schema | undefined;
    if (!target) throw new Error(`The OAS has no schema ${name}`);
    return close(target, schemas, [...stack, name], nested);
  }
  if (Array.isArray(node.allOf)) {
    const parts = (node.allOf as Schema[]).map((p) => close(p, schemas, stack, false));
    if (parts.every(isObjectSchema)) {
      const properties: Schema = {};
      for (const p of parts) Object.assign(properties, p.properties ?? {});
      const open = parts.some((p) => p.additionalProperties === true);
      const nullable = node.nullable === true || parts.some((p) => p.nullable === true);
      return { type: 'object', properties, additionalProperties: open, ...(nullable ? { nullable: true } : {}) };
    }
    return { ...node, allOf: parts };
  }
  const out: Schema = { ...node };
  if (out.properties && typeof out.properties === 'object') {
    out.properties = Object.fromEntries(
      Object.entries(out.properties as Schema).map(([k, v]) => [k, close(v as Schema, schemas, stack, true)]),
    );
  }
  if (out.items && typeof out.items === 'object') out.items = close(out.items as Schema, schemas, stack, true);
  for (const key of ['oneOf', 'anyOf'] as const) {
    if (Array.isArray(out[key])) out[key] = (out[key] as Schema[]).map((p) => close(p, schemas, stack, nested));
  }
  if (typeof out.additionalProperties === 'object' && out.additionalProperties !== null) {
    out.additionalProperties = close(out.additionalProperties as Schema, schemas, stack, true);
  } else if (isObjectSchema(out) && out.additionalProperties === undefined) {
    out.additionalProperties = false;
  }
  return out;
}

/**
 * OpenAPI 3.0 to JSON Schema: `nullable: true` becomes a type union (and null joins an enum), and
 * document-relative refs point into the copy of components registered with Ajv.
 */
function toJsonSchema(node: unknown): unknown {
  if (Array.isArray(node)) return node.map(toJsonSchema);
  if (!node || typeof node !== 'object') return node;
  const out: Schema = {};
  for (const [k, v] of Object.entries(node as Schema)) {
    if (k === 'nullable' || k === 'example' || k.startsWith('x-')) continue;
    // Under `properties` the keys are field names, which may look like keywords: copy them all.
    out[k] = k === 'properties' && v && typeof v === 'object'
      ? Object.fromEntries(Object.entries(v as Schema).map(([name, s]) => [name, toJsonSchema(s)]))
      : toJsonSchema(v);
  }
  if (typeof out.$ref === 'string' && out.$ref.startsWith('#/components/')) out.$ref = `${DOC_ID}${out.$ref}`;
  if ((node as Schema).nullable === true) {
    if (typeof out.type === 'string') out.type = [out.type, 'null'];
    if (Array.isArray(out.enum) && !out.enum.includes(null)) out.enum = [...(out.enum as unknown[]), null];
    if (out.type === undefined && out.$ref === undefined) out.type = ['object', 'null'];
  }
  return out;
}
