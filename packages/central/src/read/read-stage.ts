import type { CentralOptions } from '../central-options.ts';
import type { LinkRegistry } from '../access/links/link-registry.ts';
import type { DerivedFigures } from '../derive/derived-figures.ts';
import type { FederationStage } from '../federation/federation-stage.ts';
import type { Route } from '../http/route.ts';
import { ObservedSince } from './map/observed-since.ts';
import { readRoutes } from './read-routes.ts';
import type { ReadMeter } from './metered-reads.ts';
import { ReadSlots } from './read-slots.ts';
import { ReadViews } from './read-views.ts';

const DEFAULT_QUERY_BUDGET_MS = 10_000;

export interface ReadStage {
  views: ReadViews;
  routes: Route[];
  slots: ReadSlots;
  /** How long one read may take, its wait for a read slot included. */
  budgetMs: number;
}

/** Reads: each caller's view of the accounts (federated, scoped), the read routes, and the budget and slots that bound them. */
export function readStage(options: CentralOptions, links: LinkRegistry, federation: FederationStage, derived: DerivedFigures, meter: ReadMeter, now: () => number): ReadStage {
  const views = new ReadViews(options.store, federation.members, federation.search, meter);
  const mapClock = { now, settledThroughMs: () => derived.settledThroughMs, observedSince: new ObservedSince(now) };
  const routes = readRoutes({ views, links, members: federation.members, mapClock, health: options.serviceMap?.health, now });
  const budgetMs = options.queryBudgetMs ?? DEFAULT_QUERY_BUDGET_MS;
  const slots = new ReadSlots({ perCredential: options.readsPerCredential ?? 2, maxWaiting: 8, maxWaitMs: budgetMs / 2 });
  return { views, routes, slots, budgetMs };
}
