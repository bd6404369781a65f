import type { IncomingMessage } from 'node:http';
import { ApiError } from '@stitch/http';
import type { Account } from '@stitch/model';
import type { Principal } from './access-policy.ts';
import type { AuthFailures } from './auth-failures.ts';
import type { TelemetryType } from './links/link-model.ts';
import type { LinkRegistry } from './links/link-registry.ts';
import type { TokenRegistry } from './tokens/token-registry.ts';

/** Who a request is (from its Authorization header), and the account its spans belong to. */
export class Principals {
  constructor(
    private readonly links: LinkRegistry,
    private readonly credentials: TokenRegistry,
    private readonly authFailures: AuthFailures,
    /** The account spans posted without a link token belong to. */
    readonly defaultAccount: Account,
  ) {}

  /**
   * A 401 for a malformed or unknown credential, a 403 for a deleted link's. Past
   * AUTH_FAILURES_PER_MINUTE failures from one address, it is answered 429, and the admin and read
   * tokens (chosen by people, so guessable) are not even checked from it until it may fail again;
   * link tokens (256 random bits) still are, so one misconfigured agent does not stop the others on its host.
   */
  of(req: IncomingMessage): Principal {
    return this.ofAuthorization(req.headers.authorization, req.socket.remoteAddress);
  }

  /** `of` for an Authorization header (or gRPC's `authorization` metadata) sent from `address`. */
  ofAuthorization(header: string | undefined, address: string | undefined): Principal {
    if (header === undefined) return { kind: 'anonymous' };
    const token = /^Bearer\s+(\S+)$/i.exec(header)?.[1];
    if (token === undefined) throw this.failure(address, 'authorization: expected "Bearer <token>" (a link token, or central\'s admin or read token)');
    const link = this.links.linkOf(token);
    if (link) return { kind: 'link', link, token };
    const waitSeconds = this.authFailures.retryAfterSeconds(address);
    if (waitSeconds > 0) throw tooManyFailures(waitSeconds);
    const holder = this.credentials.holderOf(token);
    if (holder?.role === 'admin') return { kind: 'admin' };
    if (holder?.role === 'reader') return { kind: 'reader', tokenId: holder.tokenId, accounts: holder.accounts };
    throw this.failure(address, "authorization: unknown token: not a link token (stitch link create), nor central's admin or read token");
  }

  /** A link's credential decides the account, whatever the payload says; without one, spans are central's own. */
  accountOf(who: Principal, type: TelemetryType = 'traces'): Account {
    if (who.kind !== 'link') return this.defaultAccount;
    const link = this.links.admit(who.link, type);
    return { id: link.accountId, label: link.label };
  }

  /** The 401 for a failed authentication, or the 429 once the address is past its budget. */
  private failure(address: string | undefined, message: string): ApiError {
    const waitSeconds = this.authFailures.failed(address);
    return waitSeconds > 0 ? tooManyFailures(waitSeconds) : new ApiError(401, message, { headers: { 'www-authenticate': 'Bearer' } });
  }
}

/** Whose reads share one set of read slots: each link, each read token, the admin token, each anonymous client address. */
export function credentialOf(who: Principal, req: IncomingMessage): string {
  if (who.kind === 'link') return `link ${who.link.id}`;
  if (who.kind === 'anonymous') return `anonymous ${req.socket.remoteAddress ?? ''}`;
  if (who.kind === 'reader') return `reader ${who.tokenId ?? ''}`;
  return who.kind;
}

const tooManyFailures = (waitSeconds: number) =>
  new ApiError(429, `authorization: too many failed authentications from this address; retry in ${waitSeconds} s`, { headers: { 'retry-after': String(waitSeconds) } });
