import { randomBytes } from 'node:crypto';
import type { AppInput } from './types';

export const DEMO_CLIENT_ID = 'demo-client';

/**
 * The OAuth app a demo organization comes with. The secret is fresh on every start, so a demo
 * never ships a known credential; whoever starts the simulator prints it.
 */
export function demoApp(redirectUris: string[] = ['http://localhost:3000/oauth_redirect', 'http://localhost:3000/oauth_redirect.do']): AppInput {
  return {
    clientId: DEMO_CLIENT_ID,
    clientSecret: randomBytes(24).toString('base64url'),
    redirectUris,
    name: 'Licence manager (demo)',
  };
}
