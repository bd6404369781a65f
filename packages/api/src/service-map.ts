import type { Jsonified, MapEdge, MapNode, MapStats, PropagationFinding, ServiceMap } from '@stitch/graph';
import type { MaybePartial } from './partial-answer.ts';

/** The window a map answers, beside the one asked for. */
export interface MapWindow {
  /** The window asked for; `startMs`/`endMs` are the one answered (cut at what is settled). */
  askedStartMs: number;
  askedEndMs: number;
  /** Since when data is known: rates divide by the seconds of the window from here on. */
  observedFromMs: number | null;
  /** Before this (unix ms) every call is settled; after it, calls still waiting for their callee are not on the map yet. */
  settledThroughMs: number;
  /** False when a minute the window cuts was taken whole (not settled yet, or too many traces to recount). */
  exact: boolean;
}

/** The graph package's map over the window answered. */
export interface WindowedMap extends ServiceMap, MapWindow {}

/** The /api/traces parameters that list a node's or an edge's traces. */
export interface TracesLink {
  q: string;
  account?: string;
  start: string;
  end: string;
}

/**
 * GET /api/service-map as central builds it (nanos still bigint): each node and edge also says
 * how to list its traces over the same window.
 */
export interface ServiceMapAnswer extends WindowedMap, MaybePartial {
  nodes: Array<MapNode & { traces: TracesLink }>;
  edges: Array<MapEdge & { traces: TracesLink }>;
}

/** GET /api/service-map as it arrives: nanos as decimal strings. */
export type ServiceMapJson = Jsonified<ServiceMapAnswer>;
export type MapNodeJson = ServiceMapJson['nodes'][number];
export type MapEdgeJson = ServiceMapJson['edges'][number];
/** A node's or an edge's figures over the window (the graph package's MapStats, nanos as strings). */
export type StatsJson = Jsonified<MapStats>;

/** A service (or inferred peer) of the map as a propagation finding names it. */
export interface PropagationNodeJson {
  service: string;
  account: string;
  accountLabel: string;
}

/** A finding with its nodes by name; a node is absent when it is not on the map of the window. */
export interface PropagationFindingJson extends PropagationFinding {
  fromNode?: PropagationNodeJson | null;
  toNode?: PropagationNodeJson | undefined;
}

/** GET /api/propagation: where trace context is lost, worst first. */
export interface PropagationJson extends Pick<WindowedMap, 'startMs' | 'endMs' | 'askedStartMs' | 'askedEndMs' | 'exact'>, MaybePartial {
  findings: PropagationFindingJson[];
}
