/** A token the store verified lately keeps authenticating while the store is unreachable (ingest then spools). */
import { expect, it } from 'vitest';
import { AuthService, SYSTEM } from '../../../server/auth/service.js';
import { StoreUnavailableError } from '../../../server/domain/errors.js';
import { sqliteTestStore } from '../../helpers/stores.js';

it('accepts a recently verified token during an outage, and nothing else', async () => {
  const test = await sqliteTestStore();
  try {
    let now = new Date('2026-02-01T00:00:00Z');
    const auth = new AuthService(test.store.auth, { sessionSecret: 'x'.repeat(40), clock: () => now });
    const { secret } = await auth.createToken({ label: 'pipeline', scopes: ['ingest'] }, SYSTEM);
    const { secret: unused } = await auth.createToken({ label: 'never used', scopes: ['ingest'] }, SYSTEM);
    const bearer = (s: string) => ({ authorization: `Bearer ${s}` });
    expect((await auth.fromHeaders(bearer(secret)))?.name).toBe('pipeline');

    await test.store.close(); // the store is now unreachable
    expect((await auth.fromHeaders(bearer(secret)))?.scopes).toEqual(['ingest']);
    // A wrong secret for a known token id is refused; a token never verified cannot be checked.
    const forged = secret.replace(/.$/u, (c) => (c === 'A' ? 'B' : 'A'));
    expect(await auth.fromHeaders(bearer(forged))).toBeNull();
    await expect(auth.fromHeaders(bearer(unused))).rejects.toBeInstanceOf(StoreUnavailableError);
    // The grace period ends.
    now = new Date(now.getTime() + 16 * 60_000);
    await expect(auth.fromHeaders(bearer(secret))).rejects.toBeInstanceOf(StoreUnavailableError);
  } finally {
    await test.dispose();
  }
});
