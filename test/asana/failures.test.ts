import { ApplicationFailure } from '@temporalio/common';
import { describe, expect, it } from 'vitest';
import { AsanaApiError, AsanaAuthError, AsanaRateLimitError, AsanaUnavailableError, OAuthError } from '../../src/asana/errors';
import { toActivityFailure } from '../../src/asana/failures';
import { parseRetryAfter } from '../../src/asana/http';

function asFailure(err: unknown): ApplicationFailure {
  const out = toActivityFailure(err);
  expect(out).toBeInstanceOf(ApplicationFailure);
  return out as ApplicationFailure;
}

describe('toActivityFailure', () => {
  it('turns a 429 into a retryable failure whose next retry waits exactly Retry-After', () => {
    const retryAfterMs = parseRetryAfter('7');
    expect(retryAfterMs).toBe(7000);
    const f = asFailure(new AsanaRateLimitError(retryAfterMs));
    expect(f.type).toBe('AsanaRateLimited');
    expect(f.nonRetryable).toBe(false);
    expect(f.nextRetryDelay).toBe(7000);
  });

  it('makes a revoked grant non-retryable, asking for re-authorization', () => {
    const f = asFailure(new AsanaAuthError('refused', 'grant_revoked'));
    expect(f.type).toBe('AsanaAuthRevoked');
    expect(f.nonRetryable).toBe(true);
    expect(f.message).toBe("Asana refused the connection's authorization; re-authorize the profile");
  });

  it('asks for a first authorization when there never were tokens', () => {
    const f = asFailure(new AsanaAuthError('no tokens', 'not_authorized'));
    expect(f.type).toBe('AsanaAuthRevoked');
    expect(f.nonRetryable).toBe(true);
    expect(f.message).toContain('authorize the profile');
  });

  it('treats invalid_grant from the token endpoint as a revoked grant', () => {
    const f = asFailure(new OAuthError('invalid_grant', undefined, 400, 'Asana refused the token refresh (invalid_grant)'));
    expect(f.type).toBe('AsanaAuthRevoked');
    expect(f.nonRetryable).toBe(true);
  });

  it('makes a refused client non-retryable', () => {
    const f = asFailure(new OAuthError('invalid_client', undefined, 401, 'Asana refused the token refresh (invalid_client)'));
    expect(f.type).toBe('AsanaOAuthRejected');
    expect(f.nonRetryable).toBe(true);
  });

  it.each([
    [402, 'AsanaForbidden', true],
    [403, 'AsanaForbidden', true],
    [404, 'AsanaNotFound', true],
    [400, 'AsanaBadRequest', true],
    [500, 'AsanaUnavailable', false],
    [503, 'AsanaUnavailable', false],
  ])('maps HTTP %i to %s (non-retryable: %s)', (status, type, nonRetryable) => {
    const f = asFailure(new AsanaApiError(status, `GET /x failed with ${status}: nope`));
    expect(f.type).toBe(type);
    expect(f.nonRetryable).toBe(nonRetryable);
    expect(f.message).toContain(`${status}`);
  });

  it('retries when Asana cannot be reached', () => {
    const f = asFailure(new AsanaUnavailableError('GET /users/me: Asana unreachable (ECONNREFUSED)'));
    expect(f.type).toBe('AsanaUnavailable');
    expect(f.nonRetryable).toBe(false);
  });

  it('leaves other errors alone', () => {
    const plain = new Error('boom');
    expect(toActivityFailure(plain)).toBe(plain);
    const conflict = new AsanaApiError(409, 'conflict');
    expect(toActivityFailure(conflict)).toBe(conflict);
    const already = ApplicationFailure.nonRetryable('x', 'Other');
    expect(toActivityFailure(already)).toBe(already);
  });
});

describe('parseRetryAfter', () => {
  it('reads delta-seconds and HTTP dates', () => {
    expect(parseRetryAfter('0')).toBe(0);
    expect(parseRetryAfter(' 30 ')).toBe(30_000);
    const now = Date.parse('2025-01-01T00:00:00Z');
    expect(parseRetryAfter('Wed, 01 Jan 2025 00:00:12 GMT', now)).toBe(12_000);
  });

  it('waits a full minute when the header is missing or unreadable', () => {
    expect(parseRetryAfter(null)).toBe(60_000);
    expect(parseRetryAfter('soon')).toBe(60_000);
  });
});
