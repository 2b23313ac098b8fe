import { describe, expect, it } from 'vitest';
import { bearer, equalSecrets, newApiToken, parseApiToken } from '../../../server/auth/credentials.js';
import { generatePassword, hashPassword, passwordProblem, verifyPassword } from '../../../server/auth/passwords.js';
import { allows, READ, roleForScopes, routePolicy, scopesForRole, WRITE } from '../../../server/auth/policy.js';
import { loadConfig } from '../../../server/config/index.js';

describe('passwords', () => {
  it('hashes with scrypt and a per-user salt, and verifies only the right password', async () => {
    const a = await hashPassword('correct horse battery');
    const b = await hashPassword('correct horse battery');
    expect(a).toMatch(/^scrypt\$32768\$8\$1\$[\w-]{22}\$[\w-]{86}$/u);
    expect(a).not.toBe(b);
    expect(await verifyPassword('correct horse battery', a)).toBe(true);
    expect(await verifyPassword('correct horse batterY', a)).toBe(false);
    expect(await verifyPassword('', a)).toBe(false);
  });

  it('refuses hashes it did not write instead of throwing', async () => {
    for (const stored of [
      '',
      'plain',
      'scrypt$1$2$3$x$y',
      'scrypt$99999999$8$1$c2FsdHNhbHQ$aGFzaGhhc2hoYXNoaGFzaA',
      'bcrypt$...',
    ]) {
      expect(await verifyPassword('x', stored)).toBe(false);
    }
  });

  it('generates long passwords and refuses short ones', () => {
    expect(generatePassword()).toMatch(/^[\w-]{24}$/u);
    expect(passwordProblem('short')).toMatch(/at least 12/u);
    expect(passwordProblem('long enough password')).toBeNull();
  });
});

describe('API tokens and headers', () => {
  it('formats tokens as fw_<id>_<secret> and parses only that shape', () => {
    const { id, secret, token } = newApiToken();
    expect(parseApiToken(token)).toEqual({ id, secret });
    for (const bad of [
      '',
      'fw_',
      `fw_${id}`,
      `fw_${id}_${secret}x`,
      `FW_${id}_${secret}`,
      `fw_${id.toUpperCase()}_${secret}`,
      ` ${token}`,
    ]) {
      expect(parseApiToken(bad)).toBeNull();
    }
  });

  it('reads the bearer credential; other schemes give an empty credential', () => {
    expect(bearer(undefined)).toBeNull();
    expect(bearer('Bearer abc')).toBe('abc');
    expect(bearer('bearer  abc ')).toBe('abc');
    expect(bearer('Basic YWJj')).toBe('');
    expect(bearer('Bearer a b')).toBe('');
  });

  it('compares secrets of any length without throwing', () => {
    expect(equalSecrets('abc', 'abc')).toBe(true);
    expect(equalSecrets('abc', 'abd')).toBe(false);
    expect(equalSecrets('abc', 'abcd')).toBe(false);
  });
});

describe('route policies', () => {
  it('defaults reads to every role and changes to analysts and admins; only the listed routes are public', () => {
    expect(routePolicy('GET', '/api/v1/search', undefined)).toBe(READ);
    expect(routePolicy('DELETE', '/api/v1/sources/:id', undefined)).toBe(WRITE);
    expect(routePolicy('POST', '/api/v1/items', undefined)).toMatchObject({ scopes: ['ingest', 'admin'] });
    expect(routePolicy('GET', '/metrics', undefined)).toBe(READ);
    expect(routePolicy('POST', '/healthz', undefined)).toEqual({ public: true });
    expect(routePolicy('POST', '/docs/json', undefined)).toBe(WRITE);
  });

  it('authorizes users by role and tokens by scope', () => {
    const viewer = { kind: 'user' as const, id: 'u', name: 'v', role: 'viewer' as const, scopes: scopesForRole('viewer') };
    const ingest = { kind: 'token' as const, id: 't', name: 'p', role: roleForScopes(['ingest']), scopes: ['ingest' as const] };
    expect(allows(READ, viewer)).toBe(true);
    expect(allows(WRITE, viewer)).toBe(false);
    expect(allows(READ, ingest)).toBe(false);
    expect(ingest.role).toBe('analyst');
  });
});

describe('auth configuration', () => {
  it('has safe defaults and requires a session secret in production', () => {
    const config = loadConfig({});
    expect(config.auth).toMatchObject({
      sessionSecret: null,
      cookieSecure: false,
      lockoutThreshold: 5,
      lockoutMs: 900_000,
      admin: null,
    });
    expect(() => loadConfig({ NODE_ENV: 'production' })).toThrow(/SESSION_SECRET: required/u);
    const production = loadConfig({ NODE_ENV: 'production', SESSION_SECRET: 'x'.repeat(40) });
    expect(production.auth.cookieSecure).toBe(true);
    expect(() => loadConfig({ ADMIN_USERNAME: 'root' })).toThrow(/go together/u);
  });

  it('never echoes a secret in a configuration error', () => {
    expect(() => loadConfig({ SESSION_SECRET: 'tooshort-secret' })).toThrow(/SESSION_SECRET/u);
    expect(() => loadConfig({ SESSION_SECRET: 'tooshort-secret' })).not.toThrow(/tooshort-secret/u);
  });
});
