import { createHash, randomBytes, timingSafeEqual } from 'node:crypto';
import type { ReadTokenIssuedJson, ReadTokenJson as ReadTokenInfo } from '@stitch/api';
import { ApiError } from '@stitch/http';
import { AuditedState } from '../../state/audited-state.ts';
import { newId } from '../links/link-model.ts';
import { ServerCredentials } from './server-credentials.ts';

interface ReadTokenRecord extends ReadTokenInfo {
  tokenHash: string;
}

/**
 * A rotated admin or startup read token. `configuredHash` is the hash of the token central was
 * started with when it was first rotated: the rotation holds across restarts while central is
 * started with that same token, and a different configured token takes over again (so an
 * operator who lost the rotated one sets a new STITCH_ADMIN_TOKEN).
 */
interface RotatedToken {
  configuredHash: string | null;
  hash: string;
  rotatedAt: string;
}

interface TokenState {
  readers: ReadTokenRecord[];
  admin: RotatedToken | null;
  read: RotatedToken | null;
}

/** Who a bearer token is, when it is one of central's own (not a link's). */
export type TokenHolder = { role: 'admin' } | { role: 'reader'; tokenId: string | null; accounts: readonly string[] | null };


/**
 * Central's credentials: the admin token, the startup read token and the read tokens made
 * through the API (some scoped to accounts). Kept only as SHA-256 hashes in `<data>/tokens.json`,
 * every change in its audit log; a revoked or rotated token is refused from the next request.
 */
export class TokenRegistry {
  private byHash = new Map<string, ReadTokenRecord>();
  private indexed: Readonly<TokenState> | null = null;
  /** Each token's last accepted request, kept in memory and written with the next change. */
  private readonly lastUsed = new Map<string, string>();

  private constructor(
    private readonly saved: AuditedState<TokenState>,
    private readonly server: ServerCredentials,
  ) {}

  /** `configured`: the tokens central was started with (STITCH_ADMIN_TOKEN, STITCH_READ_TOKEN). */
  static async open(file: string | null, configured: { adminToken?: string | undefined; readToken?: string | undefined }, now: () => number = Date.now): Promise<TokenRegistry> {
    const server = new ServerCredentials(configured);
    const saved = await AuditedState.open<TokenState>(file, { readers: [], admin: null, read: null }, now);
    const registry = new TokenRegistry(saved, server);
    for (const role of ['admin', 'read'] as const) {
      const rotated = saved.state[role];
      const configuredToken = role === 'admin' ? configured.adminToken : configured.readToken;
      // Without an admin token central is open: a rotated token (read too: reads closed, changes open) would not make sense.
      if (rotated && server.guard.admin && rotated.configuredHash === (configuredToken === undefined ? null : sha256Hex(configuredToken))) {
        server.replace(role, Buffer.from(rotated.hash, 'hex'));
      } else if (rotated) {
        await registry.change((state) => {
          state[role] = null;
          return { audited: { action: `${role}.rotation-dropped`, detail: `central was started with another ${role} token, which takes over` }, result: undefined };
        });
      }
    }
    return registry;
  }

  get guard(): { admin: boolean; read: boolean } {
    return this.server.guard;
  }

  /** The holder of `token`, or null when it is none of central's own tokens. */
  holderOf(token: string): TokenHolder | null {
    const role = this.server.roleOf(token);
    if (role === 'admin') return { role: 'admin' };
    if (role === 'reader') return { role: 'reader', tokenId: null, accounts: null };
    const hash = sha256Hex(token);
    const record = this.tokenIndex().get(hash);
    // The map finds it by the hash of a secret; the bytes are compared again in constant time.
    if (!record || !timingSafeEqual(Buffer.from(record.tokenHash, 'hex'), Buffer.from(hash, 'hex'))) return null;
    this.lastUsed.set(record.id, new Date(this.saved.now()).toISOString());
    return { role: 'reader', tokenId: record.id, accounts: record.accounts };
  }

  list(): ReadTokenInfo[] {
    return this.saved.state.readers.map((record) => ({ ...infoOf(record), lastUsedAt: this.lastUsed.get(record.id) ?? record.lastUsedAt }));
  }

  /** A new read token for `accounts` (null: all); the token is returned this once. */
  create(accounts: readonly string[] | null): Promise<ReadTokenIssuedJson> {
    this.needsAdminToken();
    const scope = accounts === null ? null : checkedAccounts(accounts);
    const token = newToken('str');
    return this.change((state, at) => {
      const record: ReadTokenRecord = { id: newId('token'), accounts: scope, createdAt: at, rotatedAt: null, lastUsedAt: null, tokenHash: sha256Hex(token) };
      state.readers.push(record);
      return { audited: { action: 'token.create', id: record.id, detail: `reads ${scopeText(scope)}` }, result: { token, info: infoOf(record) } };
    });
  }

  revoke(id: string): Promise<ReadTokenInfo> {
    return this.change((state) => {
      const record = recordOf(state, id);
      state.readers = state.readers.filter((r) => r !== record);
      return { audited: { action: 'token.revoke', id, detail: `read ${scopeText(record.accounts)}` }, result: infoOf(record) };
    });
  }

  /** A new secret for the same id and scope; the old one is refused from the next request. */
  rotate(id: string): Promise<ReadTokenIssuedJson> {
    const token = newToken('str');
    return this.change((state, at) => {
      const record = recordOf(state, id);
      record.tokenHash = sha256Hex(token);
      record.rotatedAt = at;
      return { audited: { action: 'token.rotate', id, detail: `reads ${scopeText(record.accounts)}` }, result: { token, info: infoOf(record) } };
    });
  }

  /** A new admin token, or startup read token (made if central had none); the old one is refused from the next request. */
  async rotateServer(role: 'admin' | 'read', configured: { adminToken?: string | undefined; readToken?: string | undefined }): Promise<string> {
    this.needsAdminToken();
    const token = newToken(role === 'admin' ? 'sta' : 'strd');
    const configuredToken = role === 'admin' ? configured.adminToken : configured.readToken;
    const hash = sha256Hex(token);
    await this.change((state, at) => {
      const previous = state[role];
      state[role] = { configuredHash: previous ? previous.configuredHash : configuredToken === undefined ? null : sha256Hex(configuredToken), hash, rotatedAt: at };
      return { audited: { action: `${role}.rotate`, detail: `central's ${role} token replaced` }, result: undefined };
    });
    // Only once saved: a rotation that could not be written must not lock the operator out after a restart.
    this.server.replace(role, Buffer.from(hash, 'hex'));
    return token;
  }

  /** One audited change, with the last-use times seen since the previous one. */
  private change<R>(apply: (state: TokenState, at: string) => { audited: object; result: R }): Promise<R> {
    return this.saved.change((state, at) => {
      for (const record of state.readers) record.lastUsedAt = this.lastUsed.get(record.id) ?? record.lastUsedAt;
      return apply(state, at);
    });
  }

  /** Rebuilt when a change has replaced the state. */
  private tokenIndex(): Map<string, ReadTokenRecord> {
    if (this.indexed !== this.saved.state) {
      this.byHash = new Map(this.saved.state.readers.map((record) => [record.tokenHash, record]));
      this.indexed = this.saved.state;
    }
    return this.byHash;
  }

  private needsAdminToken(): void {
    if (!this.server.guard.admin) throw new ApiError(409, 'tokens: central runs without an admin token (open on loopback), so every caller reads everything; start it with STITCH_ADMIN_TOKEN to give out read tokens');
  }
}

function recordOf(state: TokenState, id: string): ReadTokenRecord {
  const record = state.readers.find((r) => r.id === id);
  if (!record) throw new ApiError(404, `id: no read token ${id} (see GET /api/tokens)`);
  return record;
}

function checkedAccounts(accounts: readonly string[]): string[] {
  if (accounts.length === 0) throw new ApiError(400, 'accounts: give at least one account id, or leave accounts out (null) for every account');
  return [...new Set(accounts)].sort();
}

const infoOf = ({ tokenHash: _hidden, ...info }: ReadTokenRecord): ReadTokenInfo => ({ ...info, accounts: info.accounts && [...info.accounts] });
const scopeText = (accounts: readonly string[] | null) => (accounts === null ? 'every account' : `accounts ${accounts.join(',')}`);
const newToken = (prefix: string) => `${prefix}_${randomBytes(32).toString('base64url')}`;
const sha256Hex = (text: string) => createHash('sha256').update(text).digest('hex');
