import { ApiError } from '@stitch/http';
import type { Link } from './links/link-model.ts';

/** Who a request is, from its Authorization header. */
/** A link's principal keeps its token: central reads a federated account's agent with it. */
/** A reader's `accounts`: the only accounts it sees (null: every account); `tokenId`: null for central's startup read token. */
export type Principal = { kind: 'anonymous' } | { kind: 'admin' } | { kind: 'reader'; tokenId: string | null; accounts: readonly string[] | null } | { kind: 'link'; link: Link; token: string };

/** What a request does, which decides who may do it. */
export type RouteClass =
  /** GET /api/health: load balancers and probes, never guarded. */
  | 'health'
  /** The console's page and bundle: no data in them (it comes from the API, with the read token). */
  | 'console'
  /** POST /v1/traces, POST /v1/logs: spans and log records in. */
  | 'ingest'
  /** Reading spans and what is counted from them (traces, the map, logs, metrics, SLOs, costs, accounts): a reader scoped to accounts reads them through its view. */
  | 'read'
  /** Reading configuration and audits (sinks, links, rules, alarms, canaries, members): readers of every account only. */
  | 'read-config'
  /** An agent saying where its account's spans can be read (federated mode). */
  | 'federation'
  /** The X-Ray daemon calls agents relay from their services' samplers. */
  | 'sampling-relay'
  /** Adding and deleting sampling rules (a link: only its account's temporary ones, see SamplingCaller). */
  | 'sampling-change'
  /** Replacing every sampling rule with a rules file. */
  | 'sampling-replace'
  /** Creating and deleting sinks and links. */
  | 'manage';

/** Which credentials central was started with. Without an admin token central is open (loopback only). */
export interface Guard {
  admin: boolean;
  read: boolean;
}

/**
 * The class of a request no route takes: an unknown path (the console's pages when it is a GET
 * outside /api), or a known one asked with another method, judged as its routes are (as a change
 * when they only read), so a refusal does not depend on the method guessed.
 */
export function unroutedClassOf(method: string, path: string, sameRoute: RouteClass | null): RouteClass {
  const reading = method === 'GET' || method === 'HEAD';
  if (sameRoute !== null && sameRoute !== 'read' && sameRoute !== 'read-config') return sameRoute;
  if (sameRoute === null && reading && !path.startsWith('/api/')) return 'console';
  return reading ? 'read-config' : 'manage';
}

/**
 * Null when the principal may make this request; otherwise the 401 (no or bad credential) or
 * 403 (a credential that may not do this) that says why. A link token only ever speaks for its
 * own account: it sends spans and relays sampling calls, it never reads through central, and,
 * when its link allows that, it adds and deletes its account's own temporary sampling rules (the
 * sampling routes hold it to those); it never replaces the rules file.
 */
export function refusalOf(route: RouteClass, who: Principal, guard: Guard, path = ''): ApiError | null {
  if (route === 'health' || route === 'console' || who.kind === 'admin') return null;
  const secured = guard.admin;
  if (who.kind === 'link') {
    if (route === 'ingest' || route === 'sampling-relay' || route === 'federation') return null;
    if (route === 'sampling-change' && who.link.canChangeSampling) return null;
    if (route === 'read' || route === 'read-config') return forbidden(`link ${who.link.id} sends account ${who.link.accountId}'s data; it cannot read through central (use the read token)`);
    if (route === 'sampling-change' || route === 'sampling-replace') {
      if (!who.link.canChangeSampling) return forbidden(`link ${who.link.id} may not change sampling rules (create the link with canChangeSampling)`);
      return forbidden(`replacing the sampling rules needs the admin token; link ${who.link.id} (account ${who.link.accountId}) may add temporary rules for its account's services (POST /api/sampling/rules) and delete the rules it added`);
    }
    return forbidden(`link ${who.link.id} cannot manage sinks and links (use the admin token)`);
  }
  if (who.kind === 'reader') {
    if (route === 'read-config' && who.accounts !== null) return forbidden(`read token ${who.tokenId} reads only accounts ${who.accounts.join(', ')}: their traces, logs, metrics, SLOs, map, costs and accounts; not ${path}`);
    if (route === 'read' || route === 'read-config') return null;
    return forbidden('the read token only reads; this needs the admin token');
  }
  // anonymous
  if (route === 'read' || route === 'read-config') return guard.read || secured ? unauthorized('this central needs the read token (Authorization: Bearer …) to read') : null;
  if (!secured) return null;
  if (route === 'ingest') return unauthorized('this central needs a link token (or the admin token) to accept spans');
  if (route === 'sampling-relay') return unauthorized('this central needs a link token for sampling calls');
  if (route === 'federation') return unauthorized("an agent registers its account with the account's link token");
  return unauthorized('this central needs the admin token for changes');
}

/** Who made a change, for audit logs: admin, reader, anonymous (an open central), or `link <id> (account <n>)`. */
export function actorOf(who: Principal): string {
  return who.kind === 'link' ? `link ${who.link.id} (account ${who.link.accountId})` : who.kind;
}

const unauthorized = (why: string) => new ApiError(401, `authorization: ${why}`, { headers: { 'www-authenticate': 'Bearer' } });
const forbidden = (why: string) => new ApiError(403, `authorization: ${why}`);
