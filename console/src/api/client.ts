// Every call the console makes to the API: same origin, the session cookie sent by the browser, the CSRF token
// on whatever changes something, and a problem document turned into an error that carries its `detail`.
import type { Me, Session } from './types';

export interface FieldError {
  field: string;
  message: string;
}

/** What the API refused, as it said it (RFC 9457 problem: `detail`, and `errors[]` naming fields). */
export class ApiProblem extends Error {
  constructor(
    readonly status: number,
    readonly detail: string,
    readonly errors: FieldError[] = [],
  ) {
    super(detail);
  }

  /** The message for one field (`connection.clientId`), if the API named it. */
  fieldMessage(field: string): string | undefined {
    return this.errors.find((e) => e.field === field)?.message;
  }
}

let csrfToken: string | null = null;
const signedOutListeners = new Set<() => void>();

/** Called when the API says the session is gone (401): the console shows the sign-in again. */
export function onSignedOut(listener: () => void): () => void {
  signedOutListeners.add(listener);
  return () => signedOutListeners.delete(listener);
}

async function problemOf(res: Response): Promise<ApiProblem> {
  const text = await res.text();
  try {
    const body = JSON.parse(text) as { detail?: string; title?: string; errors?: FieldError[] };
    return new ApiProblem(res.status, body.detail ?? body.title ?? `The service answered ${res.status}.`, body.errors ?? []);
  } catch {
    return new ApiProblem(res.status, `The service answered ${res.status} ${res.statusText}.`);
  }
}

export async function api<T>(method: string, path: string, body?: unknown): Promise<T> {
  const headers: Record<string, string> = { accept: 'application/json' };
  if (body !== undefined) headers['content-type'] = 'application/json';
  if (method !== 'GET' && csrfToken) headers['x-csrf-token'] = csrfToken;
  let res: Response;
  try {
    res = await fetch(path, { method, headers, body: body === undefined ? undefined : JSON.stringify(body), credentials: 'same-origin' });
  } catch {
    throw new ApiProblem(0, 'The service cannot be reached. Check that it is running, then try again.');
  }
  if (!res.ok) {
    const problem = await problemOf(res);
    if (res.status === 401 && path !== '/api/session') for (const listener of signedOutListeners) listener();
    throw problem;
  }
  if (res.status === 204) return undefined as T;
  return (await res.json()) as T;
}

/** The current session, or null when the browser is not signed in. */
export async function currentSession(): Promise<Session | null> {
  try {
    const session = await api<Session | undefined>('GET', '/api/session');
    if (!session) return null;
    csrfToken = session.csrfToken;
    return session;
  } catch (err) {
    if (err instanceof ApiProblem && err.status === 401) return null;
    throw err;
  }
}

export async function signIn(token: string): Promise<Session> {
  const session = await api<Session>('POST', '/api/session', { token });
  csrfToken = session.csrfToken;
  return session;
}

export async function signOut(): Promise<void> {
  await api<void>('DELETE', '/api/session');
  csrfToken = null;
}

/** A query string of the filters that are set. */
export function query(params: Record<string, string | number | undefined | null>): string {
  const q = new URLSearchParams();
  for (const [k, v] of Object.entries(params)) if (v !== undefined && v !== null && v !== '') q.set(k, String(v));
  const s = q.toString();
  return s ? `?${s}` : '';
}

/** Who the session's token is and what it may call (the console shows only that). */
export function whoAmI(): Promise<Me> {
  return api<Me>('GET', '/api/me');
}
