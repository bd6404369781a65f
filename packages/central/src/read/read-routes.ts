import type { GraphRecord, HealthThresholds } from '@stitch/graph';
import type { Route } from '../http/route.ts';
import type { LinkRegistry } from '../access/links/link-registry.ts';
import type { FederationMembers } from '../federation/federation-members.ts';
import { listAccounts } from './accounts-route.ts';
import { diagnoseTraces } from './diagnose/diagnose-route.ts';
import { searchLogsRoute } from './logs/log-query-route.ts';
import { ObservedSince } from './map/observed-since.ts';
import { propagationReport, serviceMap, type MapClock } from './map/service-map-route.ts';
import { metricsAnswer } from './metrics/metrics-route.ts';
import { metricsQueryRange } from './metrics/metrics-query-route.ts';
import type { ReadView, ReadViews } from './read-views.ts';
import { findInTrace, getSpan, getTrace, getTraceOutline, listServices, searchTraces } from './traces/trace-routes.ts';
import { searchTags, tagValues } from './discovery/discovery-routes.ts';

export interface ReadContext {
  views: ReadViews;
  links: LinkRegistry;
  members: FederationMembers;
  mapClock: MapClock;
  health: HealthThresholds | undefined;
  now: () => number;
}

/** The reads of spans and of what is counted from them: each answers from the caller's view (a scoped reader's accounts only). */
export function readRoutes(context: ReadContext): Route[] {
  const { views, now } = context;
  // A scoped reader's map: its records only, and its own first span for the rates (not the shared cache's).
  const mapOf = ({ scope }: ReadView) => ({
    clock: scope ? { ...context.mapClock, observedSince: new ObservedSince(now) } : context.mapClock,
    visible: scope ? (records: GraphRecord[]) => scope.visibleGraphRecords(records) : undefined,
  });
  return [
    { method: 'GET', path: '/api/services', access: 'read', handle: ({ who, query }) => views.answer(who, (reads) => listServices(reads, query)) },
    {
      method: 'GET',
      path: '/api/accounts',
      access: 'read',
      handle: ({ who }) => views.answer(who, (reads, { scope }) => listAccounts(reads, context.links, context.members, scope ? (id) => scope.isOwn(id) : () => true)),
    },
    { method: 'GET', path: '/api/traces', access: 'read', handle: ({ who, query }) => views.answer(who, (reads) => searchTraces(reads, query, now)) },
    { method: 'GET', path: '/api/traces/:traceId', access: 'read', handle: ({ who, params }) => views.answer(who, (reads) => getTrace(reads, params.traceId!)) },
    { method: 'GET', path: '/api/traces/:traceId/outline', access: 'read', handle: ({ who, params }) => views.answer(who, (reads) => getTraceOutline(reads, params.traceId!)) },
    { method: 'GET', path: '/api/traces/:traceId/find', access: 'read', handle: ({ who, params, query }) => views.answer(who, (reads) => findInTrace(reads, params.traceId!, query)) },
    {
      method: 'GET',
      path: '/api/traces/:traceId/spans/:spanId',
      access: 'read',
      handle: ({ who, params }) => views.answer(who, (reads) => getSpan(reads, params.traceId!, params.spanId!)),
    },
    // From central's own store (a scoped reader's accounts only): federated accounts' spans stay in their agents, and `partial` names them.
    { method: 'GET', path: '/api/search/tags', access: 'read', handle: ({ who, query }) => views.answerFromOwnStore(who, (side) => searchTags(side, query, now())) },
    {
      method: 'GET',
      path: '/api/search/tag/:name/values',
      access: 'read',
      handle: ({ who, params, query }) => views.answerFromOwnStore(who, (side) => tagValues(side, params.name!, query, now())),
    },
    { method: 'GET', path: '/api/diagnose', access: 'read', handle: ({ who, query }) => views.answer(who, (reads) => diagnoseTraces(reads, query, now)) },
    {
      method: 'GET',
      path: '/api/service-map',
      access: 'read',
      handle: ({ who, query }) =>
        views.answer(who, (reads, view) => {
          const { clock, visible } = mapOf(view);
          return serviceMap(reads, query, clock, context.health, visible);
        }),
    },
    {
      method: 'GET',
      path: '/api/propagation',
      access: 'read',
      handle: ({ who, query }) =>
        views.answer(who, (reads, view) => {
          const { clock, visible } = mapOf(view);
          return propagationReport(reads, query, clock, visible);
        }),
    },
    { method: 'GET', path: '/api/logs', access: 'read', handle: ({ who, query }) => views.answer(who, (reads, view) => searchLogsRoute(reads, view.side, query, now)) },
    {
      method: 'GET',
      path: '/api/metrics/query_range',
      access: 'read',
      handle: ({ who, query }) => views.answerFromOwnStore(who, (side, { coverage }) => metricsQueryRange(side, query, now(), coverage)),
    },
    { method: 'GET', path: '/api/metrics', access: 'read', handle: async ({ who, query }) => metricsAnswer(views.of(who).side, query, now()) },
  ];
}
