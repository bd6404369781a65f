import { isLoopbackHost } from './loopback.ts';
import { AuthFailures } from './auth-failures.ts';
import { LinkRegistry } from './links/link-registry.ts';
import { linkRoutes } from './links/link-routes.ts';
import { Principals } from './principals.ts';
import { TokenRegistry } from './tokens/token-registry.ts';
import { tokenRoutes } from './tokens/token-routes.ts';
import type { CentralOptions } from '../central-options.ts';
import type { Route } from '../http/route.ts';

export interface Access {
  links: LinkRegistry;
  credentials: TokenRegistry;
  principals: Principals;
  /** Central has no admin token and was not told `insecure`: it may only listen on loopback. */
  mustStayLocal: boolean;
  routes: Route[];
}

/** Central's credentials, links and principals; refuses to open an unguarded central to the network. */
export async function openAccess(options: CentralOptions, host: string, now: () => number): Promise<Access> {
  const configuredTokens = { adminToken: options.adminToken, readToken: options.readToken };
  const credentials = await TokenRegistry.open(options.tokensFile ?? null, configuredTokens, now);
  const mustStayLocal = !credentials.guard.admin && !options.insecure;
  if (mustStayLocal && !(await isLoopbackHost(host))) throw openToNetwork(host);
  const links = options.links ?? (await LinkRegistry.open(null, now));
  const principals = new Principals(links, credentials, new AuthFailures(now), options.defaultAccount ?? { id: 'local', label: 'local' });
  return { links, credentials, principals, mustStayLocal, routes: [...tokenRoutes(credentials, configuredTokens), ...linkRoutes(links)] };
}

export const openToNetwork = (host: string) =>
  new Error(`adminToken: central would listen on ${host} with no credential; give it an admin token (STITCH_ADMIN_TOKEN), or insecure to accept that`);
