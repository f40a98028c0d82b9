import crypto from 'node:crypto';
import type { Db, Queryable } from '../db/pool';
import { sha256 } from '../secrets/secretBox';
import { findActionLink, insertActionLink, lockCandidate, useStepLinks, type ActionLinkRow, type ActionName } from '../store/candidates';

export type ReviewAction = ActionName;
export const USER_ACTIONS: ReviewAction[] = ['keep', 'release'];
export const MANAGER_ACTIONS: ReviewAction[] = ['approve', 'reject'];

interface LinkClaims {
  /** candidate */
  c: string;
  /** action */
  a: ReviewAction;
  /** single-use nonce, stored only as a hash */
  n: string;
  /** expiry, epoch seconds */
  e: number;
}

/**
 * Keep / release / approve / reject links: an HMAC-signed token naming the candidate, the action and an
 * expiry, plus a nonce recorded in the database so each link works once and the others of its step die with it.
 */
export function createLinkSigner(key: Buffer) {
  const mac = (body: string) => crypto.createHmac('sha256', key).update(body).digest('base64url');
  return {
    sign(claims: LinkClaims): string {
      const body = Buffer.from(JSON.stringify(claims)).toString('base64url');
      return `${body}.${mac(body)}`;
    },
    /** The claims of an authentic token, or null for anything forged or malformed. */
    verify(token: string): LinkClaims | null {
      const [body, signature] = token.split('.');
      if (!body || !signature) return null;
      const expected = Buffer.from(mac(body));
      const given = Buffer.from(signature);
      if (expected.length !== given.length || !crypto.timingSafeEqual(expected, given)) return null;
      try {
        const claims = JSON.parse(Buffer.from(body, 'base64url').toString('utf8')) as LinkClaims;
        return typeof claims.c === 'string' && typeof claims.n === 'string' && typeof claims.e === 'number' ? claims : null;
      } catch {
        return null;
      }
    },
  };
}

export type LinkSigner = ReturnType<typeof createLinkSigner>;

/** Derives the link key from the encryption key when no key of its own is configured (a separate purpose, a separate key). */
export function deriveLinkKey(encryptionKey: Buffer): Buffer {
  return Buffer.from(crypto.hkdfSync('sha256', encryptionKey, Buffer.alloc(0), 'action-links', 32));
}

/** Creates one link per action for a candidate's step, valid until `expiresAt`. */
export async function issueLinks(
  db: Queryable,
  signer: LinkSigner,
  p: { candidateId: string; actions: ReviewAction[]; expiresAt: Date; baseUrl: string },
): Promise<Record<ReviewAction, string>> {
  const links = {} as Record<ReviewAction, string>;
  for (const action of p.actions) {
    const nonce = crypto.randomBytes(18).toString('base64url');
    await insertActionLink(db, { nonceHash: sha256(nonce), candidateId: p.candidateId, action, expiresAt: p.expiresAt });
    const token = signer.sign({ c: p.candidateId, a: action, n: nonce, e: Math.floor(p.expiresAt.getTime() / 1000) });
    links[action] = `${p.baseUrl}/candidate-actions/${token}`;
  }
  return links;
}

export type ConsumedLink =
  | { ok: true; candidateId: string; profileId: string; action: ReviewAction }
  | { ok: false; reason: 'forged' | 'expired' | 'used' };

export type LinkStatus = { ok: true; action: ReviewAction } | { ok: false; reason: 'forged' | 'expired' | 'used' };

function judge(claims: LinkClaims, link: ActionLinkRow | null, now: Date): LinkStatus {
  if (!link || link.candidate_id !== claims.c || link.action !== claims.a) return { ok: false, reason: 'forged' };
  if (link.used_at) return { ok: false, reason: 'used' };
  if (link.expires_at.getTime() <= now.getTime()) return { ok: false, reason: 'expired' };
  return { ok: true, action: link.action };
}

/** What a link would do if confirmed now, without using it (the confirmation page). */
export async function inspectLink(db: Queryable, signer: LinkSigner, token: string, now: Date): Promise<LinkStatus> {
  const claims = signer.verify(token);
  if (!claims) return { ok: false, reason: 'forged' };
  if (claims.e * 1000 <= now.getTime()) return { ok: false, reason: 'expired' };
  return judge(claims, await findActionLink(db, sha256(claims.n)), now);
}

/**
 * Uses a link up, once; its sibling links (the other choice of the same step) stop working with it. Uses of
 * one candidate's links queue on the candidate's row, so keep and release pressed at the same instant end
 * with one answer taken and the other told it was already answered, never a deadlock.
 */
export async function consumeLink(db: Db, signer: LinkSigner, token: string, now: Date): Promise<ConsumedLink> {
  const claims = signer.verify(token);
  if (!claims) return { ok: false, reason: 'forged' };
  if (claims.e * 1000 <= now.getTime()) return { ok: false, reason: 'expired' };
  return db.withTransaction(async (tx): Promise<ConsumedLink> => {
    const candidate = await lockCandidate(tx, claims.c);
    if (!candidate) return { ok: false, reason: 'forged' };
    const status = judge(claims, await findActionLink(tx, sha256(claims.n)), now);
    if (!status.ok) return status;
    await useStepLinks(tx, claims.c, USER_ACTIONS.includes(status.action) ? USER_ACTIONS : MANAGER_ACTIONS, now);
    return { ok: true, candidateId: claims.c, profileId: candidate.profileId, action: status.action };
  });
}
