import { ReadAllowList } from '@stitch/federation';
import type { CentralStore } from '@stitch/store';
import type { FederationOptions } from '../central-options.ts';
import type { LinkRegistry } from '../access/links/link-registry.ts';
import type { Span } from '@stitch/model';
import type { Route } from '../http/route.ts';
import type { FederatedSearchOptions } from '../read/federated/federated-search.ts';
import { FederationMembers } from './federation-members.ts';
import { federationRoutes } from './federation-routes.ts';

export interface FederationStage {
  members: FederationMembers;
  /** How a search asks the accounts' agents for their parts. */
  search: FederatedSearchOptions;
  routes: Route[];
}

/** Accounts whose agents keep their own spans: who they are, where they are read (only at allowed URLs), what they hand over. */
export function federationStage(
  federation: FederationOptions,
  links: LinkRegistry,
  /** Spans an agent's map could not pair: central pairs them across accounts. */
  pairAcrossAccounts: (spans: Span[]) => void,
  store: CentralStore,
  now: () => number,
): FederationStage {
  let allowList: ReadAllowList;
  try {
    allowList = ReadAllowList.of(federation.allowReadUrls ?? []);
  } catch (error) {
    throw new Error(`federation.allowReadUrls: ${(error as Error).message}`);
  }
  const members = new FederationMembers({ timeoutMs: federation.timeoutMs ?? 3_000, now, activeLink: (linkId) => links.activeLink(linkId, 'traces'), allowList });
  const search: FederatedSearchOptions = {
    pageSize: federation.searchPageSize ?? 200,
    maxPageSize: 5_000,
    maxCandidates: federation.maxCandidates ?? 200_000,
    partSlackNanos: BigInt(federation.partSlackMs ?? 300_000) * 1_000_000n,
  };
  const routes = federationRoutes({
    links,
    members,
    heartbeatMs: federation.heartbeatMs ?? 5_000,
    pairAcrossAccounts,
    writeMetrics: (records) => store.writeMetricRecords(records),
  });
  return { members, search, routes };
}
