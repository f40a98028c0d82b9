import { Router } from 'express';
import type { ApiDeps } from '../../deps';

/** The profile's related lists (subscriptions, models, rules, exclusions, candidates). */
export function listsRouter(_deps: ApiDeps): Router {
  return Router();
}
