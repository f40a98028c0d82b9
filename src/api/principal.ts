import type { Response } from 'express';
import type { Principal } from '../access/tokens';

/** The caller, once the bearer check (api/auth.ts) has let the request through. */
export function principalOf(res: Response): Principal {
  const principal = res.locals.principal as Principal | undefined;
  if (!principal) throw new Error('principalOf: the request was not authenticated');
  return principal;
}
