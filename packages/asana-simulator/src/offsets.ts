import { createHmac, randomBytes, timingSafeEqual } from 'node:crypto';

/**
 * Opaque pagination offsets, as Asana's are: a signed blob the client must hand back unchanged.
 * The signature lets the API answer 400 to anything it did not issue; the key is per process, so
 * offsets do not survive a restart (Asana's also expire).
 */
export class OffsetCodec {
  private readonly key = randomBytes(32);

  encode(payload: Record<string, unknown>): string {
    const body = Buffer.from(JSON.stringify(payload)).toString('base64url');
    return `${body}.${this.sign(body)}`;
  }

  /** The payload, or null when the offset is malformed or was not issued by this process. */
  decode(offset: string): Record<string, unknown> | null {
    const dot = offset.lastIndexOf('.');
    if (dot <= 0) return null;
    const body = offset.slice(0, dot);
    const given = Buffer.from(offset.slice(dot + 1));
    const expected = Buffer.from(this.sign(body));
    if (given.length !== expected.length || !timingSafeEqual(given, expected)) return null;
    try {
      const parsed: unknown = JSON.parse(Buffer.from(body, 'base64url').toString('utf8'));
      return typeof parsed === 'object' && parsed !== null ? (parsed as Record<string, unknown>) : null;
    } catch {
      return null;
    }
  }

  private sign(body: string): string {
    return createHmac('sha256', this.key).update(body).digest('base64url').slice(0, 22);
  }
}
