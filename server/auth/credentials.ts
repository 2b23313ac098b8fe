/**
 * The secrets Framewatch hands out: session cookie values and API tokens. Only their SHA-256
 * digests are stored, so a copy of the store does not let anyone in.
 */
import { createHash, randomBytes, timingSafeEqual } from 'node:crypto';

export const sha256 = (value: string): string => createHash('sha256').update(value).digest('hex');

export function equalSecrets(a: string, b: string): boolean {
  const x = Buffer.from(a);
  const y = Buffer.from(b);
  return x.length === y.length && timingSafeEqual(x, y);
}

/** 256 bits of randomness as base64url (43 characters). */
export const randomSecret = (): string => randomBytes(32).toString('base64url');

const TOKEN = /^fw_([0-9a-f]{24})_([A-Za-z0-9_-]{43})$/u;

/** `fw_<id>_<secret>`: the id finds the record, the secret proves possession. */
export function newApiToken(): { id: string; secret: string; token: string } {
  const id = randomBytes(12).toString('hex');
  const secret = randomSecret();
  return { id, secret, token: `fw_${id}_${secret}` };
}

export function parseApiToken(token: string): { id: string; secret: string } | null {
  const match = TOKEN.exec(token);
  return match?.[1] && match[2] ? { id: match[1], secret: match[2] } : null;
}

/** The bearer credential of an Authorization header, or null when there is none. */
export function bearer(authorization: string | undefined): string | null {
  if (!authorization) return null;
  const match = /^Bearer[ ]+(\S+)\s*$/iu.exec(authorization);
  return match?.[1] ?? '';
}
