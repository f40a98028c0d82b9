import crypto from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { createSecretBox, parseKey } from '../../src/secrets/secretBox';

describe('secret box', () => {
  const box = createSecretBox(crypto.randomBytes(32));

  it('round-trips and never stores the plain text', () => {
    const sealed = box.seal('client-secret-value');
    expect(sealed).not.toContain('client-secret-value');
    expect(box.open(sealed)).toBe('client-secret-value');
    expect(box.seal('same')).not.toBe(box.seal('same'));
  });

  it('rejects tampering and the wrong key', () => {
    const sealed = box.seal('token');
    const raw = Buffer.from(sealed.slice(3), 'base64');
    raw[raw.length - 1]! ^= 1;
    expect(() => box.open(`v1:${raw.toString('base64')}`)).toThrow();
    expect(() => createSecretBox(crypto.randomBytes(32)).open(sealed)).toThrow();
  });

  it('parses hex and base64 keys and refuses short ones', () => {
    const key = crypto.randomBytes(32);
    expect(parseKey(key.toString('hex')).equals(key)).toBe(true);
    expect(parseKey(key.toString('base64')).equals(key)).toBe(true);
    expect(() => parseKey('short')).toThrow(/32 bytes/);
  });
});
