// The typed errors the service's rules throw. They say what went wrong in the domain's words; the API turns each
// kind into its HTTP status once, at the edge (api/problem.ts), and nothing else needs to know about HTTP.

export type RuleViolationKind = 'forbidden' | 'not_found' | 'conflict' | 'invalid';

export class RuleViolation extends Error {
  constructor(
    readonly kind: RuleViolationKind,
    message: string,
    /** Machine-readable details a caller can act on (e.g. the role a request needs). */
    readonly details: Record<string, unknown> = {},
  ) {
    super(message);
    this.name = 'RuleViolation';
  }
}

export const forbidden = (message: string, details: Record<string, unknown> = {}) => new RuleViolation('forbidden', message, details);
export const notFoundRule = (what: string) => new RuleViolation('not_found', `${what} does not exist.`);
export const conflictRule = (message: string, details: Record<string, unknown> = {}) => new RuleViolation('conflict', message, details);
export const invalidRule = (message: string, details: Record<string, unknown> = {}) => new RuleViolation('invalid', message, details);
