import type { Request } from 'express';

/** The cookie that carries the console's session id: nothing else about the session is in the browser. */
export const SESSION_COOKIE = 'lm_session';

/** One cookie's value from the request's Cookie header, or undefined. */
export function readCookie(req: Request, name: string): string | undefined {
  for (const part of (req.headers.cookie ?? '').split(';')) {
    const eq = part.indexOf('=');
    if (eq > 0 && part.slice(0, eq).trim() === name) return part.slice(eq + 1).trim();
  }
  return undefined;
}

/**
 * The Set-Cookie value of the session id: HttpOnly (no script reads it), SameSite=Strict (no other site's page
 * sends it), Secure whenever the browser reaches the service over https. `maxAgeSeconds: 0` clears it.
 */
export function sessionCookie(value: string, opts: { maxAgeSeconds: number; secure: boolean }): string {
  const attributes = [`${SESSION_COOKIE}=${value}`, 'Path=/', 'HttpOnly', 'SameSite=Strict', `Max-Age=${opts.maxAgeSeconds}`];
  if (opts.secure) attributes.push('Secure');
  return attributes.join('; ');
}
