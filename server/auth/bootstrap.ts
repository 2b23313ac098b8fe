/** The first admin: from configuration (ADMIN_USERNAME/ADMIN_PASSWORD) or, for the demo, generated. */
import type { AuthConfig } from '../config/index.js';
import { SYSTEM, type AuthService } from './service.js';

export type FirstAdmin =
  | { kind: 'existing' }
  | { kind: 'configured'; username: string }
  | { kind: 'demo'; username: string; password: string }
  | { kind: 'none' };

export async function ensureFirstAdmin(auth: AuthService, config: AuthConfig, demo: boolean): Promise<FirstAdmin> {
  if ((await auth.countUsers()) > 0) return { kind: 'existing' };
  if (config.admin) {
    const { user } = await auth.createUser({ ...config.admin, role: 'admin' }, SYSTEM);
    return { kind: 'configured', username: user.username };
  }
  if (demo) {
    const { user, password } = await auth.createUser({ username: 'admin', role: 'admin' }, SYSTEM);
    return { kind: 'demo', username: user.username, password: password ?? '' };
  }
  return { kind: 'none' };
}

export function describeFirstAdmin(first: FirstAdmin): string {
  switch (first.kind) {
    case 'demo':
      return (
        `Sign in as "${first.username}" with password ${first.password}\n` +
        `  (generated for this demo and shown once; set another with: npm run user -- passwd ${first.username})`
      );
    case 'configured':
      return `Created the admin "${first.username}" from ADMIN_USERNAME/ADMIN_PASSWORD; sign in with that password.`;
    case 'none':
      return 'No users yet: create the first admin with: npm run user -- add --admin <name>';
    case 'existing':
      return 'Sign in with your account (list accounts: npm run user -- list; reset a password: npm run user -- passwd <name>).';
  }
}
