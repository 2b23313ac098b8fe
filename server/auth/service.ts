/**
 * Authentication and account management: sign-in with lockout, server-side sessions behind a
 * signed cookie, API tokens, users, and the audit trail of all of it. Implements the
 * Authenticator of types.ts, which HTTP routes and the socket handshake share.
 */
import { randomBytes } from 'node:crypto';
import { fastifyCookie } from '@fastify/cookie';
import { AppError, ConflictError, NotFoundError, StoreUnavailableError, ValidationError } from '../domain/errors.js';
import {
  normalizeUsername,
  publicUser,
  userIdFor,
  type ApiToken,
  type AuditActor,
  type AuditEntry,
  type AuditPage,
  type AuditQuery,
  type AuthRepository,
  type SessionRecord,
  type User,
  type UserRecord,
  USERNAME_PATTERN,
} from '../store/auth/port.js';
import { bearer, equalSecrets, newApiToken, parseApiToken, randomSecret, sha256 } from './credentials.js';
import { generatePassword, hashPassword, passwordProblem, verifyPassword } from './passwords.js';
import { roleForScopes, scopesForRole } from './policy.js';
import type { Authenticator, Principal, Role, TokenScope } from './types.js';

export const SESSION_COOKIE = 'fw_session';
export const CSRF_HEADER = 'x-csrf-token';

export interface AuthSettings {
  /** Signs the session cookie (HMAC-SHA256); at least 32 characters. */
  sessionSecret: string;
  /** Sets the cookie's Secure flag (HTTPS deployments). */
  cookieSecure: boolean;
  sessionTtlMs: number;
  /** Failed sign-ins in a row that lock an account ... */
  lockoutThreshold: number;
  /** ... for this long. */
  lockoutMs: number;
  /** Sign-in attempts per window per client address and username. */
  loginRateLimit: number;
  /** Requests per window per principal (or per address when anonymous). */
  apiRateLimit: number;
  rateLimitWindowMs: number;
  /** Injectable clock (tests). */
  clock: () => Date;
}

export const DEFAULT_AUTH_SETTINGS: Omit<AuthSettings, 'sessionSecret'> = {
  cookieSecure: false,
  sessionTtlMs: 12 * 3_600_000,
  lockoutThreshold: 5,
  lockoutMs: 15 * 60_000,
  loginRateLimit: 10,
  apiRateLimit: 600,
  rateLimitWindowMs: 60_000,
  clock: () => new Date(),
};

export class AuthError extends AppError {}
export const unauthenticated = () =>
  new AuthError('unauthenticated', 401, 'sign in, or send an API token as "Authorization: Bearer fw_..."');
const invalidCredentials = () => new AuthError('invalid_credentials', 401, 'invalid username or password');
const lockedOut = () => new AuthError('locked_out', 429, 'too many failed sign-in attempts; try again later');

/** Who acts and from where, for the audit log. */
export interface ActionContext {
  /** A principal, or the system itself (first start, the CLI). */
  actor: AuditActor | null;
  ip: string | null;
}

export interface Resolved {
  principal: Principal;
  /** The session of a cookie-authenticated request (CSRF applies), null for tokens. */
  session: SessionRecord | null;
}

export interface SignIn {
  /** Value for the session cookie (signed). */
  cookie: string;
  session: SessionRecord;
  user: User;
}

const TOKEN_TOUCH_MS = 60_000;
/**
 * How long a token verified while the store answered keeps working while the store does not:
 * pipelines keep ingesting into the spool through an outage instead of failing authentication.
 */
const OUTAGE_GRACE_MS = 15 * 60_000;
const SESSION_SWEEP_MS = 10 * 60_000;
let auditSequence = 0;

/** The actor of changes made by the process itself (first admin on start, the CLI). */
export const SYSTEM: ActionContext = { actor: { kind: 'system', id: 'system', name: 'system' }, ip: null };

export function userPrincipal(user: Pick<UserRecord, 'id' | 'username' | 'role'>): Principal {
  return { kind: 'user', id: user.id, name: user.username, role: user.role, scopes: scopesForRole(user.role) };
}

export class AuthService implements Authenticator {
  readonly settings: AuthSettings;
  /** Tokens whose last-used time is being written (see touchToken). */
  private readonly touchingTokens = new Set<string>();
  private readonly unknownFailures = new Map<string, { count: number; lockedUntil: number }>();
  /** Tokens verified against the store lately, for use while the store is unreachable. */
  private readonly verifiedTokens = new Map<
    string,
    { secretHash: string; principal: Principal; verifiedAt: number; expiresAt: string | null }
  >();
  private dummyHash: Promise<string> | null = null;
  private lastSweep = 0;

  constructor(
    private readonly repo: AuthRepository,
    settings: Partial<AuthSettings> & Pick<AuthSettings, 'sessionSecret'>,
  ) {
    this.settings = { ...DEFAULT_AUTH_SETTINGS, ...settings };
  }

  /** `__Host-` pins a Secure cookie to this host and path / (no Domain); plain HTTP cannot use the prefix. */
  get cookieName(): string {
    return this.settings.cookieSecure ? `__Host-${SESSION_COOKIE}` : SESSION_COOKIE;
  }

  private now(): Date {
    return this.settings.clock();
  }

  // --- credentials -----------------------------------------------------------------------------

  async fromHeaders(headers: { cookie?: string | undefined; authorization?: string | undefined }): Promise<Principal | null> {
    return (await this.resolve(headers))?.principal ?? null;
  }

  /** The principal (and session) the headers prove, or null. A bearer header wins over a cookie. */
  async resolve(headers: { cookie?: string | undefined; authorization?: string | undefined }): Promise<Resolved | null> {
    const token = bearer(headers.authorization);
    if (token !== null) return this.resolveToken(token);
    const signed = headers.cookie ? fastifyCookie.parse(headers.cookie)[this.cookieName] : undefined;
    return signed ? this.resolveSession(signed) : null;
  }

  private async resolveSession(signed: string): Promise<Resolved | null> {
    // A bad signature is refused before the store is asked.
    const unsigned = fastifyCookie.unsign(signed, this.settings.sessionSecret);
    if (!unsigned.valid || !unsigned.value) return null;
    const session = await this.repo.getSession(sha256(unsigned.value));
    if (!session) return null;
    if (session.expiresAt <= this.now().toISOString()) {
      await this.repo.deleteSession(session.id);
      return null;
    }
    const user = await this.repo.getUser(session.userId);
    if (!user || user.disabled || session.createdAt < user.sessionsNotBefore) return null;
    return { principal: userPrincipal(user), session };
  }

  /**
   * Records when a token was last used. Best effort and one write at a time per token: a script
   * opening many sockets at once with one token sends concurrent requests, and their writes to the
   * same record conflict in Elasticsearch. A lost touch only makes "last used" a little older; it
   * must never refuse a valid token.
   */
  private async touchToken(id: string, now: Date): Promise<void> {
    if (this.touchingTokens.has(id)) return;
    this.touchingTokens.add(id);
    try {
      await this.repo.updateToken(id, { lastUsedAt: now.toISOString() });
    } catch {
      // Left for the next request after TOKEN_TOUCH_MS (see above).
    } finally {
      this.touchingTokens.delete(id);
    }
  }

  private async resolveToken(token: string): Promise<Resolved | null> {
    const parsed = parseApiToken(token);
    if (!parsed) return null;
    let record;
    try {
      record = await this.repo.getToken(parsed.id);
    } catch (error) {
      if (error instanceof StoreUnavailableError) return this.resolveTokenInOutage(parsed, error);
      throw error;
    }
    if (!record || !equalSecrets(sha256(parsed.secret), record.secretHash)) return null;
    const now = this.now();
    if (record.revokedAt || (record.expiresAt && record.expiresAt <= now.toISOString())) return null;
    if (!record.lastUsedAt || now.getTime() - Date.parse(record.lastUsedAt) > TOKEN_TOUCH_MS) {
      await this.touchToken(record.id, now);
    }
    const principal: Principal = {
      kind: 'token',
      id: record.id,
      name: record.label,
      role: roleForScopes(record.scopes),
      scopes: [...record.scopes],
    };
    this.verifiedTokens.set(record.id, {
      secretHash: record.secretHash,
      principal,
      verifiedAt: now.getTime(),
      expiresAt: record.expiresAt,
    });
    return { principal, session: null };
  }

  /** A token the store confirmed within the grace period still works while the store is down. */
  private resolveTokenInOutage(parsed: { id: string; secret: string }, outage: StoreUnavailableError): Resolved | null {
    const known = this.verifiedTokens.get(parsed.id);
    const now = this.now();
    if (!known || now.getTime() - known.verifiedAt > OUTAGE_GRACE_MS) throw outage;
    if (!equalSecrets(sha256(parsed.secret), known.secretHash)) return null;
    if (known.expiresAt && known.expiresAt <= now.toISOString()) return null;
    return { principal: known.principal, session: null };
  }

  // --- sign-in ---------------------------------------------------------------------------------

  /**
   * Checks a username and password. Unknown users, wrong passwords and disabled accounts all
   * answer the same, after the same scrypt work; five failures lock the name for a while, known or not.
   */
  async login(username: string, password: string, ctx: ActionContext, previous: SessionRecord | null): Promise<SignIn> {
    const name = normalizeUsername(username);
    const now = this.now();
    const valid = new RegExp(USERNAME_PATTERN, 'u').test(username);
    const user = valid ? await this.repo.getUser(userIdFor(name)) : null;

    if (!user) {
      const state = this.unknownFailures.get(name);
      if (state && state.lockedUntil > now.getTime()) {
        await this.audit(ctx, 'auth.login_failed', null, { username: name, reason: 'locked' });
        throw lockedOut();
      }
      await verifyPassword(password, await this.dummy());
      const count = (state && state.lockedUntil === 0 ? state.count : 0) + 1;
      const locked = count >= this.settings.lockoutThreshold;
      if (this.unknownFailures.size > 10_000) this.unknownFailures.clear();
      this.unknownFailures.set(name, {
        count: locked ? 0 : count,
        lockedUntil: locked ? now.getTime() + this.settings.lockoutMs : 0,
      });
      await this.audit(ctx, 'auth.login_failed', null, { username: name.slice(0, 64), reason: 'unknown_user' });
      throw invalidCredentials();
    }

    if (user.lockedUntil && user.lockedUntil > now.toISOString()) {
      await this.audit(ctx, 'auth.login_failed', { type: 'user', id: user.id }, { username: name, reason: 'locked' });
      throw lockedOut();
    }
    const ok = await verifyPassword(password, user.passwordHash);
    if (!ok || user.disabled) {
      const failures = (user.lockedUntil ? 0 : user.failedLogins) + 1;
      const locked = failures >= this.settings.lockoutThreshold;
      await this.repo.updateUser(user.id, {
        failedLogins: locked ? 0 : failures,
        lockedUntil: locked ? new Date(now.getTime() + this.settings.lockoutMs).toISOString() : null,
      });
      const target = { type: 'user', id: user.id };
      await this.audit(ctx, 'auth.login_failed', target, { username: name, reason: ok ? 'disabled' : 'wrong_password' });
      if (locked) await this.audit(ctx, 'auth.locked', target, { username: name, minutes: this.settings.lockoutMs / 60_000 });
      throw invalidCredentials();
    }

    const updated = await this.repo.updateUser(user.id, { failedLogins: 0, lockedUntil: null, lastLoginAt: now.toISOString() });
    // Rotate: a new session on every sign-in; the one the browser carried (if any) ends.
    if (previous) await this.repo.deleteSession(previous.id);
    const secret = randomSecret();
    const session: SessionRecord = {
      id: sha256(secret),
      userId: user.id,
      csrfToken: randomSecret(),
      createdAt: now.toISOString(),
      expiresAt: new Date(now.getTime() + this.settings.sessionTtlMs).toISOString(),
    };
    await this.repo.createSession(session);
    if (now.getTime() - this.lastSweep > SESSION_SWEEP_MS) {
      this.lastSweep = now.getTime();
      await this.repo.deleteExpiredSessions(now);
    }
    await this.audit({ ...ctx, actor: userPrincipal(user) }, 'auth.login', { type: 'user', id: user.id }, {});
    return { cookie: fastifyCookie.sign(secret, this.settings.sessionSecret), session, user: publicUser(updated) };
  }

  async logout(session: SessionRecord, ctx: ActionContext): Promise<void> {
    await this.repo.deleteSession(session.id);
    await this.audit(ctx, 'auth.logout', { type: 'user', id: session.userId }, {});
  }

  private dummy(): Promise<string> {
    this.dummyHash ??= hashPassword(randomSecret());
    return this.dummyHash;
  }

  // --- users -----------------------------------------------------------------------------------

  async countUsers(): Promise<number> {
    return this.repo.countUsers();
  }

  async listUsers(): Promise<User[]> {
    return this.repo.listUsers();
  }

  async getUser(id: string): Promise<User> {
    const user = await this.repo.getUser(id);
    if (!user) throw new NotFoundError('user', id);
    return publicUser(user);
  }

  /** Creates a user; without a password one is generated and returned (shown once). */
  async createUser(
    input: { username: string; role: Role; password?: string | undefined },
    ctx: ActionContext,
  ): Promise<{ user: User; password: string | null }> {
    if (!new RegExp(USERNAME_PATTERN, 'u').test(input.username)) {
      throw new ValidationError('letters, digits and . _ @ - only, starting with a letter or digit, at most 64', 'username');
    }
    const password = input.password ?? generatePassword();
    const problem = passwordProblem(password);
    if (problem) throw new ValidationError(problem, 'password');
    const at = this.now().toISOString();
    const username = normalizeUsername(input.username);
    const record: UserRecord = {
      id: userIdFor(username),
      username,
      role: input.role,
      disabled: false,
      createdAt: at,
      updatedAt: at,
      lastLoginAt: null,
      passwordHash: await hashPassword(password),
      failedLogins: 0,
      lockedUntil: null,
      sessionsNotBefore: at,
    };
    await this.repo.createUser(record);
    await this.audit(ctx, 'user.create', { type: 'user', id: record.id }, { username, role: input.role });
    return { user: publicUser(record), password: input.password === undefined ? password : null };
  }

  async updateUser(
    id: string,
    patch: { role?: Role | undefined; disabled?: boolean | undefined },
    ctx: ActionContext,
  ): Promise<User> {
    const current = await this.repo.getUser(id);
    if (!current) throw new NotFoundError('user', id);
    const demoted = patch.role !== undefined && patch.role !== 'admin';
    if (current.role === 'admin' && !current.disabled && (demoted || patch.disabled === true)) await this.keepOneAdmin(id);
    const at = this.now().toISOString();
    const disabling = patch.disabled === true && !current.disabled;
    const updated = await this.repo.updateUser(id, {
      role: patch.role,
      disabled: patch.disabled,
      updatedAt: at,
      ...(disabling && { sessionsNotBefore: at }),
    });
    if (disabling) await this.repo.deleteUserSessions(id);
    const detail: Record<string, unknown> = {};
    if (patch.role !== undefined && patch.role !== current.role) detail.role = { from: current.role, to: patch.role };
    if (patch.disabled !== undefined && patch.disabled !== current.disabled) detail.disabled = patch.disabled;
    await this.audit(ctx, 'user.update', { type: 'user', id }, { username: current.username, ...detail });
    return publicUser(updated);
  }

  /** Sets a new password (generated when none is given), unlocks the account and ends its sessions. */
  async resetPassword(
    id: string,
    password: string | undefined,
    ctx: ActionContext,
  ): Promise<{ user: User; password: string | null }> {
    const current = await this.repo.getUser(id);
    if (!current) throw new NotFoundError('user', id);
    const next = password ?? generatePassword();
    const problem = passwordProblem(next);
    if (problem) throw new ValidationError(problem, 'password');
    const at = this.now().toISOString();
    const updated = await this.repo.updateUser(id, {
      passwordHash: await hashPassword(next),
      failedLogins: 0,
      lockedUntil: null,
      sessionsNotBefore: at,
      updatedAt: at,
    });
    await this.repo.deleteUserSessions(id);
    await this.audit(ctx, 'user.password_reset', { type: 'user', id }, { username: current.username });
    return { user: publicUser(updated), password: password === undefined ? next : null };
  }

  async deleteUser(id: string, ctx: ActionContext): Promise<void> {
    // Its tokens go with it; none may outlive it through the outage cache.
    this.verifiedTokens.clear();
    const current = await this.repo.getUser(id);
    if (!current) throw new NotFoundError('user', id);
    if (current.role === 'admin' && !current.disabled) await this.keepOneAdmin(id);
    await this.repo.deleteUser(id);
    await this.audit(ctx, 'user.delete', { type: 'user', id }, { username: current.username });
  }

  private async keepOneAdmin(id: string): Promise<void> {
    const admins = (await this.repo.listUsers()).filter((u) => u.role === 'admin' && !u.disabled && u.id !== id);
    if (admins.length === 0) throw new ConflictError('this is the last active admin; make another admin first');
  }

  // --- API tokens ------------------------------------------------------------------------------

  /** Creates a token; the returned secret is shown once and never stored. */
  async createToken(
    input: { label: string; scopes: TokenScope[]; expiresAt?: string | undefined },
    ctx: ActionContext,
  ): Promise<{ token: ApiToken; secret: string }> {
    const now = this.now();
    if (input.expiresAt !== undefined && Date.parse(input.expiresAt) <= now.getTime()) {
      throw new ValidationError('must be in the future', 'expiresAt');
    }
    const scopes = [...new Set(input.scopes)].sort();
    if (scopes.length === 0) throw new ValidationError('at least one of ingest, read, admin', 'scopes');
    const { id, secret, token } = newApiToken();
    const record = {
      id,
      label: input.label,
      scopes,
      createdBy: ctx.actor?.kind === 'user' ? ctx.actor.id : null,
      createdAt: now.toISOString(),
      expiresAt: input.expiresAt ? new Date(input.expiresAt).toISOString() : null,
      revokedAt: null,
      lastUsedAt: null,
      secretHash: sha256(secret),
    };
    await this.repo.createToken(record);
    await this.audit(ctx, 'token.create', { type: 'token', id }, { label: input.label, scopes, expiresAt: record.expiresAt });
    const { secretHash: _secretHash, ...publicRecord } = record;
    return { token: publicRecord, secret: token };
  }

  async listTokens(): Promise<ApiToken[]> {
    return this.repo.listTokens();
  }

  async revokeToken(id: string, ctx: ActionContext): Promise<ApiToken> {
    const current = await this.repo.getToken(id);
    if (!current) throw new NotFoundError('token', id);
    if (current.revokedAt) return this.repo.updateToken(id, {});
    const token = await this.repo.updateToken(id, { revokedAt: this.now().toISOString() });
    this.verifiedTokens.delete(id);
    await this.audit(ctx, 'token.revoke', { type: 'token', id }, { label: current.label });
    return token;
  }

  // --- audit -----------------------------------------------------------------------------------

  async audit(
    ctx: ActionContext,
    action: string,
    target: { type: string; id: string } | null,
    detail: Record<string, unknown>,
  ): Promise<void> {
    const at = this.now();
    const entry: AuditEntry = {
      // Sortable within a millisecond in the order entries were written (ties break on id).
      id: `${at.getTime().toString(36).padStart(9, '0')}${(auditSequence++ % 36 ** 4).toString(36).padStart(4, '0')}${randomBytes(4).toString('hex')}`,
      at: at.toISOString(),
      actor: ctx.actor ? { kind: ctx.actor.kind, id: ctx.actor.id, name: ctx.actor.name } : null,
      action,
      target,
      detail,
      ip: ctx.ip,
    };
    await this.repo.appendAudit(entry);
  }

  async listAudit(query: AuditQuery): Promise<AuditPage> {
    return this.repo.listAudit(query);
  }
}
