import { Graph, layout } from '@dagrejs/dagre';
import type { MapEdgeJson, MapNodeJson } from '@stitch/api';
import { boxCentre, clipToBox, type Box, type Point } from './geometry.ts';

// Where each part of the service map goes: a pure function of the map's shape (no DOM), so it
// is tested in node and stays the same whichever component draws it.

export type LayoutNode = Pick<MapNodeJson, 'id' | 'account' | 'accountLabel' | 'inferred'>;
export type LayoutEdge = Pick<MapEdgeJson, 'from' | 'to' | 'connection'>;

export interface NodeBox extends Box {
  id: string;
}

/** The box drawn around one account's services, its label in the top band. */
export interface ClusterBox extends Box {
  account: string;
  label: string;
}

export interface EdgeRoute {
  key: string;
  from: string;
  to: string;
  connection: LayoutEdge['connection'];
  /** From the caller's border to the callee's border. */
  points: Point[];
  /** The centre of the space kept free for the edge's label. */
  labelAt: Point;
}

export interface MapLayout {
  nodes: Map<string, NodeBox>;
  clusters: ClusterBox[];
  edges: EdgeRoute[];
  width: number;
  height: number;
}

export interface LayoutSizes {
  node: { width: number; height: number };
  edgeLabel: { width: number; height: number };
  /** Room inside a cluster around its services, and the band at its top for the account's name. */
  clusterPadding: number;
  clusterLabel: number;
}

export const DEFAULT_SIZES: LayoutSizes = {
  node: { width: 236, height: 84 },
  edgeLabel: { width: 140, height: 18 },
  clusterPadding: 14,
  clusterLabel: 22,
};

/** One edge of the map, whichever list it comes from: an edge is a (caller, callee, connection). */
export const edgeKey = (edge: LayoutEdge): string => `${edge.from}→${edge.to}:${edge.connection}`;

// Left-aligned columns: a peer beside a wide cluster sits near its callers, not centred far off.
const SPACING = { nodesep: 28, edgesep: 14, ranksep: 48, rankalign: 'top' as const };
const MARGIN = 24;

interface DagreNode {
  width: number;
  height: number;
  x?: number;
  y?: number;
}

interface DagreEdge {
  width: number;
  height: number;
  labelpos: 'c';
  points?: Point[];
  x?: number;
  y?: number;
}

interface ClusterInside {
  width: number;
  height: number;
  /** Node centres and internal edges, relative to the cluster's top-left corner. */
  centres: Map<string, Point>;
  edges: Array<{ edge: LayoutEdge; points: Point[]; labelAt: Point }>;
}

/**
 * Lays the map out left to right, callers before callees, in two levels: each account's
 * services are laid out on their own into a cluster box, then the clusters and the inferred
 * peers (which belong to no account's code, so they stay outside every cluster) are laid out
 * as one graph, each edge between clusters routed through the space between them. So clusters
 * cannot overlap and a service cannot stray from its cluster. Dagre's own compound mode drew
 * loose cluster boxes, was slower at 60 nodes, and threw on some graphs.
 */
export function layoutServiceMap(given: readonly LayoutNode[], givenEdges: readonly LayoutEdge[], sizes: LayoutSizes = DEFAULT_SIZES): MapLayout {
  // By id, so the same services and calls lay out the same however the answer ordered them: a
  // refresh moves nothing that did not change.
  const nodes = [...given].sort((a, b) => compareText(a.id, b.id));
  const edges = [...givenEdges].sort((a, b) => compareText(a.from, b.from) || compareText(a.to, b.to) || compareText(String(a.connection), String(b.connection)));
  const byId = new Map(nodes.map((node) => [node.id, node]));
  const members = new Map<string, LayoutNode[]>();
  for (const node of nodes) if (node.inferred === null) members.set(node.account, [...(members.get(node.account) ?? []), node]);
  /** The top-level item a node is drawn in: its account's cluster, or itself for a peer. */
  const ownerOf = (id: string): string => {
    const node = byId.get(id)!;
    return node.inferred === null ? clusterId(node.account) : id;
  };
  // An edge to a node missing from the map cannot be drawn; one inside a cluster is laid out
  // with the cluster (a peer calling itself is a loop at the top level).
  const internal = new Map<string, LayoutEdge[]>();
  const crossing: LayoutEdge[] = [];
  for (const edge of edges) {
    if (!byId.has(edge.from) || !byId.has(edge.to)) continue;
    const owner = ownerOf(edge.from);
    if (owner === ownerOf(edge.to) && owner !== edge.from) internal.set(owner, [...(internal.get(owner) ?? []), edge]);
    else crossing.push(edge);
  }
  const internalOf = (account: string): LayoutEdge[] => internal.get(clusterId(account)) ?? [];

  const insides = new Map<string, ClusterInside>();
  for (const [account, services] of members) insides.set(account, layoutInside(services, internalOf(account), sizes));
  const top = newGraph({ marginx: MARGIN, marginy: MARGIN });
  for (const [account, inside] of insides) top.setNode(clusterId(account), { width: inside.width, height: inside.height });
  for (const node of nodes) if (node.inferred !== null) top.setNode(node.id, { ...sizes.node });
  for (const edge of crossing) top.setEdge(ownerOf(edge.from), ownerOf(edge.to), { ...sizes.edgeLabel, labelpos: 'c' }, edgeKey(edge));
  layout(top);

  const clusters: ClusterBox[] = [];
  const boxes = new Map<string, NodeBox>();
  const routes: EdgeRoute[] = [];
  for (const [account, inside] of insides) {
    const box = boxOf(top.node(clusterId(account)));
    const first = members.get(account)![0]!;
    clusters.push({ account, label: first.accountLabel || first.account || 'no account', ...box });
    const shift = offset(box);
    for (const [id, centre] of inside.centres) boxes.set(id, { id, ...boxAt(shift(centre), sizes.node) });
    for (const { edge, points, labelAt } of inside.edges) routes.push(routeOf(edge, points.map(shift), shift(labelAt)));
  }
  for (const node of nodes) if (node.inferred !== null) boxes.set(node.id, { id: node.id, ...boxOf(top.node(node.id)) });

  const outside = crossing.map((edge) => ({ edge, placed: top.edge(ownerOf(edge.from), ownerOf(edge.to), edgeKey(edge)) }));
  const arrivals = arrivalHeights(outside.map(({ edge, placed }) => ({ edge, points: placed?.points ?? [] })));
  for (const [account, services] of members) alignToRoutes(services, internalOf(account), boxes, arrivals);
  for (const { edge, placed } of outside) {
    const between = placed?.points ?? [];
    routes.push(routeOf(edge, joinEnds(between, boxes.get(edge.from)!, boxes.get(edge.to)!), labelOf(placed, between)));
  }
  const size = top.graph();
  return { nodes: boxes, clusters, edges: routes, width: size.width ?? 0, height: size.height ?? 0 };
}

/** One account's services, laid out alone: sizes and positions relative to its cluster box. */
function layoutInside(services: readonly LayoutNode[], edges: readonly LayoutEdge[], sizes: LayoutSizes): ClusterInside {
  const graph = newGraph({ marginx: sizes.clusterPadding, marginy: sizes.clusterPadding });
  for (const service of services) graph.setNode(service.id, { ...sizes.node });
  for (const edge of edges) graph.setEdge(edge.from, edge.to, { ...sizes.edgeLabel, labelpos: 'c' }, edgeKey(edge));
  layout(graph);
  // The account's name sits in a band above the services.
  const below = (point: Point): Point => ({ x: point.x, y: point.y + sizes.clusterLabel });
  const centres = new Map(services.map((service) => [service.id, below(pointOf(graph.node(service.id)))]));
  const routed = edges.map((edge) => {
    const placed = graph.edge(edge.from, edge.to, edgeKey(edge));
    const points = placed?.points ?? [];
    return { edge, points: points.map(below), labelAt: below(labelOf(placed, points)) };
  });
  const size = graph.graph();
  return { width: size.width ?? 0, height: (size.height ?? 0) + sizes.clusterLabel, centres, edges: routed };
}

function newGraph(margins: { marginx: number; marginy: number }): Graph<{ width?: number; height?: number }, DagreNode, DagreEdge> {
  const graph = new Graph<{ width?: number; height?: number }, DagreNode, DagreEdge>({ multigraph: true });
  graph.setGraph({ rankdir: 'LR', ...SPACING, ...margins });
  return graph;
}

/** For each node, the heights at which the routes between clusters reach it (their bend nearest to it). */
function arrivalHeights(routed: ReadonlyArray<{ edge: LayoutEdge; points: readonly Point[] }>): Map<string, number[]> {
  const heights = new Map<string, number[]>();
  const add = (id: string, y: number) => heights.set(id, [...(heights.get(id) ?? []), y]);
  for (const { edge, points } of routed) {
    const bends = points.slice(1, -1);
    if (bends.length === 0) continue;
    add(edge.from, bends[0]!.y);
    add(edge.to, bends[bends.length - 1]!.y);
  }
  return heights;
}

/**
 * Inside a cluster, dagre stacked the services without knowing where their calls from other
 * clusters come in; services of one column with no call inside the cluster can trade places
 * freely, so they are stacked in the order their outside routes arrive, which uncrosses them.
 */
function alignToRoutes(services: readonly LayoutNode[], internal: readonly LayoutEdge[], boxes: Map<string, NodeBox>, arrivals: Map<string, number[]>): void {
  const tied = new Set(internal.flatMap((edge) => [edge.from, edge.to]));
  const columns = new Map<number, NodeBox[]>();
  for (const service of services) {
    const box = boxes.get(service.id)!;
    if (tied.has(service.id)) continue;
    columns.set(box.x, [...(columns.get(box.x) ?? []), box]);
  }
  for (const column of columns.values()) {
    if (column.length < 2) continue;
    const slots = column.map((box) => box.y).sort((a, b) => a - b);
    const wanted = (box: NodeBox): number => {
      const ys = arrivals.get(box.id);
      return ys ? ys.reduce((sum, y) => sum + y, 0) / ys.length : box.y + box.height / 2;
    };
    const ordered = [...column].sort((a, b) => wanted(a) - wanted(b));
    ordered.forEach((box, i) => boxes.set(box.id, { ...box, y: slots[i]! }));
  }
}

/**
 * Dagre routes an edge between clusters from one cluster's border to the other's: keep its
 * bends (they avoid the other boxes) and end it on the services themselves instead, on the
 * side facing the route, so it reads as leaving the caller and entering the callee.
 */
function joinEnds(between: readonly Point[], from: Box, to: Box): Point[] {
  const bends = between.slice(1, -1);
  const afterStart = bends[0] ?? boxCentre(to);
  const beforeEnd = bends[bends.length - 1] ?? boxCentre(from);
  return [anchor(from, afterStart), ...bends, anchor(to, beforeEnd)];
}

/** Where a line toward `toward` meets the box: the middle of a side when the point is beside it, else where the line crosses the border. */
function anchor(box: Box, toward: Point): Point {
  const middle = box.y + box.height / 2;
  if (toward.x >= box.x + box.width) return { x: box.x + box.width, y: middle };
  if (toward.x <= box.x) return { x: box.x, y: middle };
  return clipToBox(box, toward);
}

function routeOf(edge: LayoutEdge, points: Point[], labelAt: Point): EdgeRoute {
  return { key: edgeKey(edge), from: edge.from, to: edge.to, connection: edge.connection, points, labelAt };
}

function labelOf(placed: DagreEdge | undefined, points: readonly Point[]): Point {
  if (placed?.x !== undefined && placed.y !== undefined) return { x: placed.x, y: placed.y };
  return points[Math.floor(points.length / 2)] ?? { x: 0, y: 0 };
}

const clusterId = (account: string): string => `\u0000account:${account}`;

const offset =
  (box: Box) =>
  (point: Point): Point => ({ x: box.x + point.x, y: box.y + point.y });

const pointOf = (placed: DagreNode): Point => ({ x: placed.x ?? 0, y: placed.y ?? 0 });

function boxOf(placed: DagreNode): Box {
  return boxAt({ x: placed.x ?? 0, y: placed.y ?? 0 }, placed);
}

function boxAt(centre: Point, size: { width: number; height: number }): Box {
  return { x: centre.x - size.width / 2, y: centre.y - size.height / 2, width: size.width, height: size.height };
}

const compareText = (a: string, b: string): number => (a < b ? -1 : a > b ? 1 : 0);
