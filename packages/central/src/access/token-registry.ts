import { createHash, randomBytes, timingSafeEqual } from 'node:crypto';
import { ApiError } from '@stitch/http';
import { AuditedState } from '../audited-state.ts';
import { newId } from '../links/link-model.ts';
import { ServerCredentials } from './server-credentials.ts';

/** A read token as the API shows it: never the token, nor its hash. */
export interface ReadTokenInfo {
  id: string;
  /** The accounts it reads; null: every account (like central's read token). */
  accounts: string[] | null;
  createdAt: string;
  rotatedAt: string | null;
  /** Its last accepted request (written with the registry's next change, so a restart may forget the latest). */
  lastUsedAt: string | null;
}

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
  private readonly byHash = new Map<string, ReadTokenRecord>();

  private constructor(
    private readonly saved: AuditedState<TokenState>,
    private readonly server: ServerCredentials,
  ) {
    for (const record of saved.state.readers) this.byHash.set(record.tokenHash, record);
  }

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
        saved.state[role] = null;
        await saved.save({ action: `${role}.rotation-dropped`, detail: `central was started with another ${role} token, which takes over` });
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
    const record = this.byHash.get(hash);
    // The map finds it by the hash of a secret; the bytes are compared again in constant time.
    if (!record || !timingSafeEqual(Buffer.from(record.tokenHash, 'hex'), Buffer.from(hash, 'hex'))) return null;
    record.lastUsedAt = new Date(this.saved.now()).toISOString();
    return { role: 'reader', tokenId: record.id, accounts: record.accounts };
  }

  list(): ReadTokenInfo[] {
    return this.saved.state.readers.map(infoOf);
  }

  /** A new read token for `accounts` (null: all); the token is returned this once. */
  async create(accounts: readonly string[] | null): Promise<{ token: string; info: ReadTokenInfo }> {
    this.needsAdminToken();
    const scope = accounts === null ? null : checkedAccounts(accounts);
    const token = newToken('str');
    const record: ReadTokenRecord = { id: newId('token'), accounts: scope, createdAt: new Date(this.saved.now()).toISOString(), rotatedAt: null, lastUsedAt: null, tokenHash: sha256Hex(token) };
    this.saved.state.readers.push(record);
    this.byHash.set(record.tokenHash, record);
    await this.saved.save({ action: 'token.create', id: record.id, detail: `reads ${scopeText(scope)}` });
    return { token, info: infoOf(record) };
  }

  async revoke(id: string): Promise<ReadTokenInfo> {
    const record = this.recordOf(id);
    this.saved.state.readers = this.saved.state.readers.filter((r) => r !== record);
    this.byHash.delete(record.tokenHash);
    await this.saved.save({ action: 'token.revoke', id, detail: `read ${scopeText(record.accounts)}` });
    return infoOf(record);
  }

  /** A new secret for the same id and scope; the old one is refused from the next request. */
  async rotate(id: string): Promise<{ token: string; info: ReadTokenInfo }> {
    const record = this.recordOf(id);
    const token = newToken('str');
    this.byHash.delete(record.tokenHash);
    record.tokenHash = sha256Hex(token);
    record.rotatedAt = new Date(this.saved.now()).toISOString();
    this.byHash.set(record.tokenHash, record);
    await this.saved.save({ action: 'token.rotate', id, detail: `reads ${scopeText(record.accounts)}` });
    return { token, info: infoOf(record) };
  }

  /** A new admin token, or startup read token (made if central had none); the old one is refused from the next request. */
  async rotateServer(role: 'admin' | 'read', configured: { adminToken?: string | undefined; readToken?: string | undefined }): Promise<string> {
    this.needsAdminToken();
    const token = newToken(role === 'admin' ? 'sta' : 'strd');
    const configuredToken = role === 'admin' ? configured.adminToken : configured.readToken;
    const previous = this.saved.state[role];
    const hash = sha256Hex(token);
    this.saved.state[role] = { configuredHash: previous ? previous.configuredHash : configuredToken === undefined ? null : sha256Hex(configuredToken), hash, rotatedAt: new Date(this.saved.now()).toISOString() };
    this.server.replace(role, Buffer.from(hash, 'hex'));
    await this.saved.save({ action: `${role}.rotate`, detail: `central's ${role} token replaced` });
    return token;
  }

  private needsAdminToken(): void {
    if (!this.server.guard.admin) throw new ApiError(409, 'tokens: central runs without an admin token (open on loopback), so every caller reads everything; start it with STITCH_ADMIN_TOKEN to give out read tokens');
  }

  private recordOf(id: string): ReadTokenRecord {
    const record = this.saved.state.readers.find((r) => r.id === id);
    if (!record) throw new ApiError(404, `id: no read token ${id} (see GET /api/tokens)`);
    return record;
  }
}

function checkedAccounts(accounts: readonly string[]): string[] {
  if (accounts.length === 0) throw new ApiError(400, 'accounts: give at least one account id, or leave accounts out (null) for every account');
  return [...new Set(accounts)].sort();
}

const infoOf = ({ tokenHash: _hidden, ...info }: ReadTokenRecord): ReadTokenInfo => ({ ...info, accounts: info.accounts && [...info.accounts] });
const scopeText = (accounts: readonly string[] | null) => (accounts === null ? 'every account' : `accounts ${accounts.join(',')}`);
const newToken = (prefix: string) => `${prefix}_${randomBytes(32).toString('base64url')}`;
const sha256Hex = (text: string) => createHash('sha256').update(text).digest('hex');
