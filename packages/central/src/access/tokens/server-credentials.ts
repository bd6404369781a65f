import { createHash, timingSafeEqual } from 'node:crypto';

/** Central's own credentials, kept only as SHA-256 hashes: the tokens themselves are not held, written or logged. */
export class ServerCredentials {
  private adminHash: Buffer | null;
  private readHash: Buffer | null;

  constructor(tokens: { adminToken?: string | undefined; readToken?: string | undefined }) {
    for (const [name, token] of Object.entries(tokens)) {
      if (token !== undefined && token.length < 16) throw new Error(`${name}: a credential must have at least 16 characters`);
    }
    if (tokens.readToken !== undefined && tokens.adminToken === undefined) throw new Error('readToken: a read token needs an admin token too (otherwise changes would stay open while reads are closed)');
    this.adminHash = tokens.adminToken === undefined ? null : sha256(tokens.adminToken);
    this.readHash = tokens.readToken === undefined ? null : sha256(tokens.readToken);
  }

  get guard(): { admin: boolean; read: boolean } {
    return { admin: this.adminHash !== null, read: this.readHash !== null };
  }

  /** A rotated token's hash in place of the one central was started with (see TokenRegistry). */
  replace(role: 'admin' | 'read', hash: Buffer): void {
    if (role === 'admin') this.adminHash = hash;
    else this.readHash = hash;
  }

  /** Compared in constant time, so response times do not leak how much of a guess was right. */
  roleOf(token: string): 'admin' | 'reader' | null {
    const hash = sha256(token);
    if (this.adminHash && timingSafeEqual(hash, this.adminHash)) return 'admin';
    if (this.readHash && timingSafeEqual(hash, this.readHash)) return 'reader';
    return null;
  }
}

const sha256 = (text: string) => createHash('sha256').update(text).digest();
