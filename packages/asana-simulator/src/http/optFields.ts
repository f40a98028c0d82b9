/**
 * Asana's opt_fields: a comma-separated list of field paths ("user.name"). The answer holds `gid`
 * plus exactly the named fields; a nested resource named without sub-fields comes back compact,
 * {gid, resource_type, name}. Without opt_fields each endpoint answers its default representation.
 */

export type Json = null | boolean | number | string | Json[] | JsonObject;
export interface JsonObject {
  [key: string]: Json;
}

export type FieldTree = Map<string, FieldTree>;

/** The requested field tree, or null when opt_fields is absent or empty. */
export function parseOptFields(raw: unknown): FieldTree | null {
  const values = Array.isArray(raw) ? raw.map(String) : typeof raw === 'string' ? [raw] : [];
  const paths = values
    .flatMap((v) => v.split(','))
    .map((p) => p.trim())
    .filter((p) => p.length > 0);
  if (paths.length === 0) return null;
  const root: FieldTree = new Map();
  for (const path of paths) {
    let node = root;
    // "this." is Asana's old way to name the top-level object's own fields.
    const parts = path.split('.').filter((p, i) => !(i === 0 && p === 'this'));
    for (const part of parts) {
      let child = node.get(part);
      if (!child) {
        child = new Map();
        node.set(part, child);
      }
      node = child;
    }
  }
  return root;
}

function isObject(value: Json): value is JsonObject {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function projectValue(value: Json, fields: FieldTree): Json {
  if (Array.isArray(value)) return value.map((v) => projectValue(v, fields));
  if (!isObject(value)) return value;
  if (typeof value.gid === 'string') {
    if (fields.size === 0) {
      const compact: JsonObject = { gid: value.gid };
      for (const key of ['resource_type', 'name']) if (value[key] !== undefined) compact[key] = value[key] as Json;
      return compact;
    }
    return project(value, fields);
  }
  if (fields.size === 0) return value;
  const out: JsonObject = {};
  for (const [key, sub] of fields) if (key in value) out[key] = projectValue(value[key] as Json, sub);
  return out;
}

/** Projects a resource's full representation onto the requested fields. Unknown fields are left out. */
export function project(full: JsonObject, fields: FieldTree): JsonObject {
  const out: JsonObject = { gid: full.gid ?? null };
  for (const [key, sub] of fields) {
    if (key === 'gid' || !(key in full)) continue;
    out[key] = projectValue(full[key] as Json, sub);
  }
  return out;
}
