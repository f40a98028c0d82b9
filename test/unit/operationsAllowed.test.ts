// What `GET /api/me` lists as callable, by role and by whether the token is limited to some profiles.
import { describe, expect, it } from 'vitest';
import { operationsAllowed } from '../../src/api/auth';

const principal = (role: 'admin' | 'integrator' | 'viewer', profileIds: string[] | null = null) => ({ name: 'ops', role, profileIds, tokenId: null });

describe('operationsAllowed', () => {
  it('gives a viewer the reads only, an integrator the changes too, and tokens to admins alone', () => {
    const viewer = operationsAllowed(principal('viewer'));
    expect(viewer).toContain('GET /api/profiles/{id}/license-position');
    expect(viewer.every((op) => op.startsWith('GET '))).toBe(true);
    expect(viewer).not.toContain('GET /api/profiles/{id}/oauth/authorize');
    const integrator = operationsAllowed(principal('integrator'));
    expect(integrator).toEqual(expect.arrayContaining(['POST /api/profiles', 'POST /api/profiles/{id}/removal-candidates/{candidateId}/restore']));
    expect(integrator).not.toContain('POST /api/tokens');
    expect(operationsAllowed(principal('admin'))).toContain('POST /api/tokens');
  });

  it('leaves out creating a profile for a token limited to some profiles (the API refuses it)', () => {
    const limited = operationsAllowed(principal('integrator', ['0b5f1c9e-6f5e-4c1a-9d6e-0123456789ab']));
    expect(limited).not.toContain('POST /api/profiles');
    expect(limited).toContain('PATCH /api/profiles/{id}');
  });
});
