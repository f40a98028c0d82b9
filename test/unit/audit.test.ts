import { describe, expect, it } from 'vitest';
import { withoutSecrets } from '../../src/store/audit';
import { actionOf } from '../../src/api/audit';

describe('the audit trail, in plain functions', () => {
  it('never keeps a secret, at any depth, and keeps the flags that say one is set', () => {
    const body = { displayName: 'x', connection: { clientId: 'app', clientSecret: 's3cret', serviceAccountToken: 'sa', serviceAccountTokenSet: true }, items: [{ token: 't', profileIds: ['p'] }] };
    expect(withoutSecrets(body)).toEqual({
      displayName: 'x',
      connection: { clientId: 'app', clientSecret: '[redacted]', serviceAccountToken: '[redacted]', serviceAccountTokenSet: true },
      items: [{ token: '[redacted]', profileIds: ['p'] }],
    });
    expect(JSON.stringify(withoutSecrets(body))).not.toMatch(/s3cret|"sa"|"t"/);
  });

  it('names actions after their route', () => {
    expect(actionOf('POST', '/api/profiles')).toBe('profiles.create');
    expect(actionOf('PATCH', '/api/profiles/{id}')).toBe('profiles.update');
    expect(actionOf('POST', '/api/profiles/{id}/publish')).toBe('profiles.publish');
    expect(actionOf('POST', '/api/profiles/{id}/runs')).toBe('runs.create');
    expect(actionOf('DELETE', '/api/profiles/{id}/exclusion-rules/users/{ruleId}')).toBe('exclusion-rules.users.delete');
    expect(actionOf('POST', '/api/profiles/{id}/removal-candidates/{candidateId}/restore')).toBe('removal-candidates.restore');
    expect(actionOf('DELETE', '/api/tokens/{tokenId}')).toBe('tokens.delete');
  });
});
