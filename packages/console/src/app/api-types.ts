import type { DiagnosisJson, Jsonified, MapStats } from '@stitch/graph';
import type { TraceJson, TraceSummaryJson } from '@stitch/model';
import type { SamplingRule } from '@stitch/sampling';

// The shapes of central's answers the console reads (see the README's HTTP API); where a pure
// package builds the answer, its own type.

export type { TraceJson, TraceSpanJson, TraceSummaryJson } from '@stitch/model';

export interface HistogramJson {
  total: number;
  buckets: Array<{ fromMs: number; toMs: number | null; count: number }>;
}

/** An account whose part of an answer is missing (federated mode), and why: `timeout after 2000 ms`, `unreachable (ECONNREFUSED)`, `refused by its agent (HTTP 403)`, `its agent answered HTTP 500`. */
export interface MissingAccountJson {
  accountId: string;
  label: string;
  reason: string;
}

/** What a read could not cover: accounts that did not answer, and bounds the read stopped at. */
export interface PartialJson {
  missingAccounts: MissingAccountJson[];
  stoppedAt: string[];
}

/** Every read answer may carry `partial`; it is absent when the answer is complete. */
export interface MaybePartial {
  partial?: PartialJson;
}

/** GET /api/traces/{id}: the trace, and what of it may be missing. */
export type TraceAnswerJson = TraceJson & MaybePartial;

export interface SearchJson extends MaybePartial {
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

/** A service (or inferred peer) of the map as a propagation finding names it. */
export interface PropagationNodeJson {
  service: string;
  account: string;
  accountLabel: string;
}

export interface PropagationFindingJson {
  kind: string;
  /** Map node keys (`service|<account>|<name>`): for matching, never for people. Null when no caller was seen. */
  from: string | null;
  to: string;
  /** The nodes by name; absent when the node is not on the map of the window. */
  fromNode?: PropagationNodeJson | null;
  toNode?: PropagationNodeJson;
  count: number;
  exampleTraceIds: string[];
  message: string;
}

export interface ServiceMapJson extends MaybePartial {
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
  /** Where the account's agent serves reads when it keeps its own spans; null when it pipes them into central. */
  federated: FederatedJson | null;
}

export interface FederatedJson {
  readUrl: string;
  registeredAtMs: number;
  lastHeartbeatMs: number;
}

export interface AccountsJson extends MaybePartial {
  accounts: AccountJson[];
}

export interface PropagationJson extends MaybePartial {
  findings: PropagationFindingJson[];
}

/** A rule as GET /api/sampling/rules lists it: the expiry as seconds left. */
export type SamplingRuleJson = Omit<SamplingRule, 'expiresAtMs'> & { expiresInSeconds: number | null };

export interface DiagnoseJson extends MaybePartial {
  diagnosis: DiagnosisJson;
  report: string;
}

export type { AlarmJson, AlarmTransitionJson } from '@stitch/metrics';
