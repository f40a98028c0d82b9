/**
 * Audit event types the simulator emits, from Asana's list of supported audit log events. `resource`
 * says what the event acts on: the actor themself (logins), another person, or a task.
 */
export interface EventKind {
  type: string;
  category: string;
  resource: 'actor' | 'target' | 'task';
}

/** What seeded people do; weights roughly follow a real domain, where logins dominate. */
export const SEEDED_KINDS: readonly { kind: EventKind; weight: number }[] = [
  { kind: { type: 'user_login_succeeded', category: 'logins', resource: 'actor' }, weight: 0.55 },
  { kind: { type: 'user_logged_out', category: 'logins', resource: 'actor' }, weight: 0.2 },
  { kind: { type: 'task_deleted', category: 'deletion', resource: 'task' }, weight: 0.25 },
];

const KNOWN: Record<string, EventKind> = {
  user_login_failed: { type: 'user_login_failed', category: 'logins', resource: 'actor' },
  user_deprovisioned: { type: 'user_deprovisioned', category: 'user_updates', resource: 'target' },
  user_invited: { type: 'user_invited', category: 'user_updates', resource: 'target' },
  user_password_changed: { type: 'user_password_changed', category: 'user_updates', resource: 'actor' },
  project_deleted: { type: 'project_deleted', category: 'deletion', resource: 'task' },
};
for (const { kind } of SEEDED_KINDS) KNOWN[kind.type] = kind;

/** Kinds by small integer, so compact events store one number; unknown types are added on first use. */
export class EventKindRegistry {
  private readonly kinds: EventKind[] = SEEDED_KINDS.map((k) => k.kind);
  private readonly index = new Map<string, number>(this.kinds.map((k, i) => [k.type, i]));
  private readonly cumulative: number[] = [];

  constructor() {
    let total = 0;
    for (const { weight } of SEEDED_KINDS) {
      total += weight;
      this.cumulative.push(total);
    }
  }

  /** Maps a uniform draw in [0, 1) to a seeded kind's index by weight. */
  seededKind(draw: number): number {
    const total = this.cumulative[this.cumulative.length - 1] ?? 1;
    const x = draw * total;
    const i = this.cumulative.findIndex((c) => x < c);
    return i === -1 ? this.cumulative.length - 1 : i;
  }

  idOf(type: string): number {
    const known = this.index.get(type);
    if (known !== undefined) return known;
    // Unrecognised types act on the actor, like most user events.
    const kind = KNOWN[type] ?? { type, category: 'other', resource: 'actor' };
    this.kinds.push(kind);
    this.index.set(type, this.kinds.length - 1);
    return this.kinds.length - 1;
  }

  get(id: number): EventKind {
    const kind = this.kinds[id];
    if (!kind) throw new Error(`unknown event kind ${id}`);
    return kind;
  }
}
