/** A read token as the API shows it: never the token, nor its hash. */
export interface ReadTokenJson {
  id: string;
  /** The accounts it reads; null: every account (like central's read token). */
  accounts: string[] | null;
  createdAt: string;
  rotatedAt: string | null;
  /** Its last accepted request (written with the registry's next change, so a restart may forget the latest). */
  lastUsedAt: string | null;
}

/** GET /api/tokens */
export interface ReadTokensJson {
  tokens: ReadTokenJson[];
}

/** POST /api/tokens and /api/tokens/{id}/rotate: the secret is in this answer only. */
export interface ReadTokenIssuedJson {
  token: string;
  info: ReadTokenJson;
}

/** POST /api/tokens/admin/rotate and /api/tokens/read/rotate: the new admin or startup read token. */
export interface ServerTokenRotatedJson {
  token: string;
}

/** DELETE /api/tokens/{id} */
export interface ReadTokenRevokedJson {
  revoked: ReadTokenJson;
}
