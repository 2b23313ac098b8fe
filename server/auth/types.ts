/** Who is asking: the principal every route and socket is authorized against. */
export const ROLES = ['admin', 'analyst', 'viewer'] as const;
export type Role = (typeof ROLES)[number];

export const TOKEN_SCOPES = ['ingest', 'read', 'admin'] as const;
export type TokenScope = (typeof TOKEN_SCOPES)[number];

export interface Principal {
  kind: 'user' | 'token';
  /** User id, or token id for API tokens. */
  id: string;
  /** User name, or the token's label. */
  name: string;
  role: Role;
  /** Scopes of an API token; users have every scope their role allows. */
  scopes: TokenScope[];
}

/** Resolves credentials carried by a request or a socket handshake. */
export interface Authenticator {
  fromHeaders(headers: { cookie?: string | undefined; authorization?: string | undefined }): Promise<Principal | null>;
}
