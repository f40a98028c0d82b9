import { createHash } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { buildAuthorizeUrl, createPkce, createState } from '../../src/asana/oauth';

describe('PKCE and state', () => {
  it('derives the S256 challenge from a 43-character verifier', () => {
    const { verifier, challenge } = createPkce();
    expect(verifier).toMatch(/^[A-Za-z0-9_-]{43}$/);
    expect(challenge).toBe(createHash('sha256').update(verifier).digest('base64url'));
    expect(createPkce().verifier).not.toBe(verifier);
  });

  it('makes URL-safe states of at least 32 random bytes', () => {
    const state = createState();
    expect(state).toMatch(/^[A-Za-z0-9_-]+$/);
    expect(Buffer.from(state, 'base64url').length).toBeGreaterThanOrEqual(32);
    expect(createState()).not.toBe(state);
  });
});

describe('buildAuthorizeUrl', () => {
  it('asks for a code with an S256 challenge', () => {
    const url = new URL(
      buildAuthorizeUrl({
        baseUrl: 'https://app.asana.com/',
        clientId: 'client-1',
        redirectUri: 'https://licences.example.com/oauth_redirect',
        state: 'st',
        codeChallenge: 'ch',
        scope: 'default',
      }),
    );
    expect(`${url.origin}${url.pathname}`).toBe('https://app.asana.com/-/oauth_authorize');
    expect(Object.fromEntries(url.searchParams)).toEqual({
      client_id: 'client-1',
      redirect_uri: 'https://licences.example.com/oauth_redirect',
      response_type: 'code',
      state: 'st',
      code_challenge_method: 'S256',
      code_challenge: 'ch',
      scope: 'default',
    });
  });
});
