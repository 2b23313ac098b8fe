/**
 * Users from the command line, against the configured store (same environment as the server):
 *
 *   npm run user -- add --admin <name> [--password <pw>]     first admin (password generated and printed when omitted)
 *   npm run user -- add <name> [--role analyst|viewer|admin] [--password <pw>]
 *   npm run user -- list
 *   npm run user -- passwd <name> [--password <pw>]          reset; ends the user's sessions, lifts a lockout
 *   npm run user -- role <name> <admin|analyst|viewer>
 *   npm run user -- disable <name> | enable <name> | delete <name>
 */
import { parseArgs } from 'node:util';
import { randomSecret } from '../server/auth/credentials.js';
import { AuthService, SYSTEM } from '../server/auth/service.js';
import { ROLES, type Role } from '../server/auth/types.js';
import { ConfigError, loadConfig } from '../server/config/index.js';
import { AppError } from '../server/domain/errors.js';
import { userIdFor } from '../server/store/auth/port.js';
import { createStore } from '../server/store/index.js';

const USAGE = `usage:
  npm run user -- add --admin <name> [--password <pw>]
  npm run user -- add <name> [--role admin|analyst|viewer] [--password <pw>]
  npm run user -- list
  npm run user -- passwd <name> [--password <pw>]
  npm run user -- role <name> <admin|analyst|viewer>
  npm run user -- disable <name> | enable <name> | delete <name>`;

const isRole = (value: string | undefined): value is Role => ROLES.includes(value as Role);

async function run(argv: string[], out: (line: string) => void): Promise<number> {
  const { values, positionals } = parseArgs({
    args: argv,
    allowPositionals: true,
    options: { admin: { type: 'boolean' }, role: { type: 'string' }, password: { type: 'string' }, help: { type: 'boolean' } },
  });
  const [command, name, extra] = positionals;
  if (values.help || !command) {
    out(USAGE);
    return command ? 0 : 2;
  }
  const config = loadConfig();
  const store = createStore(config);
  await store.init();
  const auth = new AuthService(store.auth, { sessionSecret: randomSecret() });
  try {
    switch (command) {
      case 'add': {
        const role = values.admin ? 'admin' : (values.role ?? 'viewer');
        if (!name || !isRole(role)) break;
        const { user, password } = await auth.createUser({ username: name, role, password: values.password }, SYSTEM);
        out(`created ${user.role} "${user.username}" (${user.id})`);
        if (password) out(`password: ${password}\n(shown once; store it in a password manager)`);
        return 0;
      }
      case 'list':
        for (const u of await auth.listUsers()) {
          out(`${u.username}\t${u.role}${u.disabled ? '\tdisabled' : ''}\tlast sign-in ${u.lastLoginAt ?? 'never'}`);
        }
        return 0;
      case 'passwd': {
        if (!name) break;
        const { password } = await auth.resetPassword(userIdFor(name), values.password, SYSTEM);
        out(`password of "${name}" reset; their sessions ended`);
        if (password) out(`password: ${password}\n(shown once)`);
        return 0;
      }
      case 'role':
        if (!name || !isRole(extra)) break;
        await auth.updateUser(userIdFor(name), { role: extra }, SYSTEM);
        out(`"${name}" is now ${extra}`);
        return 0;
      case 'disable':
      case 'enable':
        if (!name) break;
        await auth.updateUser(userIdFor(name), { disabled: command === 'disable' }, SYSTEM);
        out(`"${name}" ${command}d`);
        return 0;
      case 'delete':
        if (!name) break;
        await auth.deleteUser(userIdFor(name), SYSTEM);
        out(`"${name}" deleted`);
        return 0;
    }
    out(USAGE);
    return 2;
  } finally {
    await store.close();
  }
}

run(process.argv.slice(2), (line) => process.stdout.write(`${line}\n`)).then(
  (code) => process.exit(code),
  (error: unknown) => {
    const message = error instanceof AppError || error instanceof ConfigError ? error.message : String(error);
    process.stderr.write(`framewatch user: ${message}\n`);
    process.exit(1);
  },
);
