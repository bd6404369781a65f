import type { DiagnosisJson, Jsonified, MapStats } from '@stitch/graph';
import type { TraceSummaryJson } from '@stitch/model';
import type { SamplingRule } from '@stitch/sampling';

// The shapes of central's answers the console reads (see the README's HTTP API); where a pure
// package builds the answer, its own type.

export type { TraceJson, TraceSpanJson, TraceSummaryJson } from '@stitch/model';

export interface HistogramJson {
  total: number;
  buckets: Array<{ fromMs: number; toMs: number | null; count: number }>;
}

export interface SearchJson {
  traces: TraceSummaryJson[];
  histogram?: HistogramJson;
}




export type { Health } from '@stitch/graph';

/** A node's or an edge's figures over the window (the graph package's MapStats, nanos as strings). */
export type StatsJson = Jsonified<MapStats>;

/** The /api/traces parameters that list a node's or an edge's traces. */
export interface TracesLink {
  q: string;
  account?: string;
  start: string;
  end: string;
}

export interface MapNodeJson {
  id: string;
  account: string;
  accountLabel: string;
  service: string;
  inferred: null | 'http' | 'database' | 'queue' | 'rpc' | 'unknown';
  label: string;
  rootEntries: number;
  stats: StatsJson;
  traces: TracesLink;
}

export interface MapEdgeJson {
  from: string;
  to: string;
  connection: 'sync' | 'async';
  stats: StatsJson;
  traces: TracesLink;
}

export interface PropagationFindingJson {
  kind: string;
  from: string;
  to: string;
  fromNode: string;
  toNode: string;
  count: number;
  exampleTraceIds: string[];
  message: string;
}

export interface ServiceMapJson {
  startMs: number;
  endMs: number;
  nodes: MapNodeJson[];
  edges: MapEdgeJson[];
  propagation: PropagationFindingJson[];
}

export interface AccountJson {
  accountId: string;
  label: string;
  services: string[];
  spanCount: number;
  lastSeenMs: number | null;
  link: { id: string; sinkId: string; types: string[]; createdAt: string; revokedAt: string | null } | null;
}

/** A rule as GET /api/sampling/rules lists it: the expiry as seconds left. */
export type SamplingRuleJson = Omit<SamplingRule, 'expiresAtMs'> & { expiresInSeconds: number | null };

export interface DiagnoseJson {
  diagnosis: DiagnosisJson;
  report: string;
}
