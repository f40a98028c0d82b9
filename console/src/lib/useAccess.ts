// The signed-in token's `GET /api/me`, read once by the app and given to every page through a context.
import { createContext } from 'preact';
import { useContext } from 'preact/hooks';
import type { Me } from '../api/types';
import { allows } from './access';

export const AccessContext = createContext<Me | null>(null);

/** `can(method, path)`: whether the token may make that request, so a control that makes it is shown. */
export function useCan(): (method: string, path: string) => boolean {
  const me = useContext(AccessContext);
  return (method, path) => (me ? allows(me.operations, method, path) : false);
}
