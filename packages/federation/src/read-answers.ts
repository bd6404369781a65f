import type { IncomingMessage } from 'node:http';
import { spanToJson, traceSummaryJson } from '@stitch/model';
import type { TraceReads } from '@stitch/store';
import { bodyOf, validated } from '@stitch/http';
import { FEDERATION_LIMITS, FEDERATION_PATHS, graphParams, histogramBody, searchBody, startedInBody, tracesBody } from './protocol.ts';
import { windowOf } from './search-body.ts';

export interface ReadRoute {
  method: 'GET' | 'POST';
  /** The answer's JSON (bigints are written as decimal strings by sendJson). */
  answer: (req: IncomingMessage, store: TraceReads) => Promise<unknown>;
}

/** Each federation path and how it is answered from the agent's store. */
export const READ_ROUTES: ReadonlyMap<string, ReadRoute> = new Map<string, ReadRoute>([
  [
    FEDERATION_PATHS.traces,
    {
      method: 'POST',
      answer: async (req, store) => {
        const traces = await store.getTraces((await bodyOf(req, tracesBody, FEDERATION_LIMITS.requestBytes)).traceIds);
        return { traces: Object.fromEntries([...traces].map(([traceId, spans]) => [traceId, spans.map(spanToJson)])) };
      },
    },
  ],
  [
    FEDERATION_PATHS.search,
    {
      method: 'POST',
      answer: async (req, store) => {
        const body = await bodyOf(req, searchBody, FEDERATION_LIMITS.requestBytes);
        return { traces: (await store.searchTraces({ ...windowOf(body), limit: body.limit })).map(traceSummaryJson) };
      },
    },
  ],
  [FEDERATION_PATHS.histogram, { method: 'POST', answer: async (req, store) => store.durationHistogram(windowOf(await bodyOf(req, histogramBody, FEDERATION_LIMITS.requestBytes))) }],
  [
    FEDERATION_PATHS.graph,
    {
      method: 'GET',
      answer: async (req, store) => {
        const params = validated(Object.fromEntries(new URL(req.url ?? '/', 'http://agent').searchParams), graphParams);
        return { records: await store.readGraphRecords(params.startMs, params.endMs) };
      },
    },
  ],
  [
    FEDERATION_PATHS.startedIn,
    {
      method: 'POST',
      answer: async (req, store) => {
        const body = await bodyOf(req, startedInBody, FEDERATION_LIMITS.requestBytes);
        return { traceIds: await store.traceIdsStartedIn(body.start, body.end, body.limit) };
      },
    },
  ],
  [FEDERATION_PATHS.services, { method: 'GET', answer: async (_req, store) => ({ services: await store.listServices() }) }],
  [FEDERATION_PATHS.accounts, { method: 'GET', answer: async (_req, store) => ({ accounts: await store.listAccounts() }) }],
  [FEDERATION_PATHS.stats, { method: 'GET', answer: async (_req, store) => store.stats() }],
]);
