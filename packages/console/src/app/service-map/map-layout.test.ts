import assert from 'node:assert/strict';
import { test } from 'node:test';
import { encloses, overlaps } from './geometry.ts';
import { layoutServiceMap, type LayoutEdge, type LayoutNode, type MapLayout } from './map-layout.ts';

/** The seeded checkout map: five linked accounts, four inferred peers (one with an account), ten edges. */
const CHECKOUT_NODES: LayoutNode[] = [
  service('111111111111', 'edge', 'edge-gateway'),
  service('222222222222', 'checkout', 'checkout-orchestrator'),
  service('333333333333', 'catalog', 'pricing'),
  service('333333333333', 'catalog', 'inventory'),
  service('444444444444', 'payments', 'payments'),
  service('555555555555', 'notifications', 'notifications'),
  service('555555555555', 'notifications', 'email'),
  { id: 'http||api.stripe.com', account: '', accountLabel: '', inferred: 'http' },
  { id: 'http||warehouse.internal', account: '', accountLabel: '', inferred: 'http' },
  { id: 'database|777777777777|orders', account: '777777777777', accountLabel: '777777777777', inferred: 'database' },
  { id: 'queue||order-events', account: '', accountLabel: '', inferred: 'queue' },
];
const CHECKOUT_EDGES: LayoutEdge[] = [
  call('service|111111111111|edge-gateway', 'service|222222222222|checkout-orchestrator'),
  call('service|222222222222|checkout-orchestrator', 'service|333333333333|pricing'),
  call('service|222222222222|checkout-orchestrator', 'service|333333333333|inventory'),
  call('service|222222222222|checkout-orchestrator', 'service|444444444444|payments'),
  call('service|222222222222|checkout-orchestrator', 'database|777777777777|orders'),
  call('service|222222222222|checkout-orchestrator', 'queue||order-events', 'async'),
  call('queue||order-events', 'service|555555555555|notifications', 'async'),
  call('service|555555555555|notifications', 'service|555555555555|email'),
  call('service|333333333333|inventory', 'http||warehouse.internal'),
  call('service|444444444444|payments', 'http||api.stripe.com'),
];

test('the checkout map: every service in its account box, nothing overlapping, every edge routed', (t) => {
  const { layout, ms } = timed(CHECKOUT_NODES, CHECKOUT_EDGES);
  t.diagnostic(`layout of ${CHECKOUT_NODES.length} nodes and ${CHECKOUT_EDGES.length} edges: ${ms.toFixed(1)} ms`);
  assertReadable(layout, CHECKOUT_NODES, CHECKOUT_EDGES);
  assert.deepEqual(layout.clusters.map((cluster) => cluster.label).sort(), ['catalog', 'checkout', 'edge', 'notifications', 'payments']);
  // Callers to the left of their callees: the flow reads left to right.
  const x = (id: string) => layout.nodes.get(id)!.x;
  assert.ok(x('service|111111111111|edge-gateway') < x('service|222222222222|checkout-orchestrator'));
  assert.ok(x('service|444444444444|payments') < x('http||api.stripe.com'));
});

test('a generated map of 60 nodes and 100 edges over 8 accounts stays readable', (t) => {
  const { nodes, edges } = generatedMap(60, 100, 8, 42);
  layoutServiceMap(nodes, edges); // the first run pays for compiling dagre: time the second
  const { layout, ms } = timed(nodes, edges);
  t.diagnostic(`layout of ${nodes.length} nodes and ${edges.length} edges: ${ms.toFixed(1)} ms, ${Math.round(layout.width)}×${Math.round(layout.height)} px`);
  assertReadable(layout, nodes, edges);
  assert.equal(layout.clusters.length, 8);
});

test('a service calling itself, two edges between one pair and an edge to an unknown node', () => {
  const nodes = [service('1', 'one', 'a'), service('1', 'one', 'b'), { id: 'queue||q', account: '', accountLabel: '', inferred: 'queue' as const }];
  const edges = [call('service|1|a', 'service|1|a'), call('service|1|a', 'queue||q'), call('service|1|a', 'queue||q', 'async'), call('service|1|b', 'service|9|gone')];
  const layout = layoutServiceMap(nodes, edges);
  assertReadable(layout, nodes, edges.slice(0, 3));
  assert.equal(layout.edges.length, 3, 'the edge to a node not on the map is left out');
});

test('the same map answered in another order lays out the same: a refresh moves nothing', () => {
  const first = layoutServiceMap(CHECKOUT_NODES, CHECKOUT_EDGES);
  const again = layoutServiceMap([...CHECKOUT_NODES].reverse(), [...CHECKOUT_EDGES].reverse());
  assert.deepEqual([...again.nodes].sort(), [...first.nodes].sort());
  assert.deepEqual(again.clusters, first.clusters);
  assert.deepEqual([...again.edges].sort((a, b) => a.key.localeCompare(b.key)), [...first.edges].sort((a, b) => a.key.localeCompare(b.key)));
});

test('an empty map lays out to nothing', () => {
  const layout = layoutServiceMap([], []);
  assert.equal(layout.nodes.size, 0);
  assert.deepEqual(layout.clusters, []);
});

function assertReadable(layout: MapLayout, nodes: readonly LayoutNode[], edges: readonly LayoutEdge[]): void {
  const boxes = [...layout.nodes.values()];
  assert.equal(boxes.length, nodes.length, 'every node is placed');
  for (const [i, a] of boxes.entries()) for (const b of boxes.slice(i + 1)) assert.ok(!overlaps(a, b), `${a.id} overlaps ${b.id}`);
  for (const [i, a] of layout.clusters.entries()) for (const b of layout.clusters.slice(i + 1)) assert.ok(!overlaps(a, b), `the clusters of ${a.account} and ${b.account} overlap`);
  for (const node of nodes) {
    const box = layout.nodes.get(node.id)!;
    for (const cluster of layout.clusters) {
      if (node.inferred === null && cluster.account === node.account) assert.ok(encloses(cluster, box), `${node.id} is outside its account's cluster`);
      else assert.ok(!overlaps(cluster, box), `${node.id} sits on the cluster of ${cluster.account}`);
    }
  }
  assert.equal(layout.edges.length, edges.length, 'every edge is routed');
  for (const edge of layout.edges) {
    assert.ok(edge.points.length >= 2, `${edge.key} has no route`);
    for (const point of edge.points) assert.ok(Number.isFinite(point.x) && Number.isFinite(point.y), `${edge.key} has a point off the map`);
  }
}

function timed(nodes: readonly LayoutNode[], edges: readonly LayoutEdge[]): { layout: MapLayout; ms: number } {
  const started = performance.now();
  const layout = layoutServiceMap(nodes, edges);
  return { layout, ms: performance.now() - started };
}

/**
 * A map shaped like real ones: services in tiers (edge, APIs, domain, data), calls mostly from
 * one tier to the next, a few across accounts and back up (cycles), inferred peers as leaves.
 */
function generatedMap(nodeCount: number, edgeCount: number, accountCount: number, seed: number): { nodes: LayoutNode[]; edges: LayoutEdge[] } {
  const random = seededRandom(seed);
  const pick = <T>(items: readonly T[]): T => items[Math.floor(random() * items.length)]!;
  const peerCount = Math.round(nodeCount / 8);
  const nodes: LayoutNode[] = [];
  const tiers: string[][] = [[], [], [], []];
  for (let i = 0; i < nodeCount - peerCount; i++) {
    const account = String(i % accountCount).padStart(12, '0');
    const node = service(account, `team-${i % accountCount}`, `svc-${i}`);
    nodes.push(node);
    tiers[Math.min(3, Math.floor(random() * 4))]!.push(node.id);
  }
  const kinds = ['database', 'queue', 'http', 'rpc'] as const;
  const peers = Array.from({ length: peerCount }, (_, i): LayoutNode => ({ id: `${kinds[i % 4]}||peer-${i}`, account: '', accountLabel: '', inferred: kinds[i % 4]! }));
  nodes.push(...peers);
  const edges: LayoutEdge[] = [];
  const seen = new Set<string>();
  while (edges.length < edgeCount) {
    const tier = Math.floor(random() * 4);
    const from = pick(tiers[tier]!);
    const roll = random();
    const to = roll < 0.2 ? pick(peers).id : roll < 0.25 ? pick(tiers[Math.max(0, tier - 1)]!) : pick(tiers[Math.min(3, tier + 1)]!);
    if (from === to || seen.has(`${from} ${to}`)) continue;
    seen.add(`${from} ${to}`);
    edges.push(call(from, to, random() < 0.15 ? 'async' : 'sync'));
  }
  return { nodes, edges };
}

function seededRandom(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (Math.imul(state, 1_664_525) + 1_013_904_223) >>> 0;
    return state / 2 ** 32;
  };
}

function service(account: string, accountLabel: string, name: string): LayoutNode {
  return { id: `service|${account}|${name}`, account, accountLabel, inferred: null };
}

function call(from: string, to: string, connection: LayoutEdge['connection'] = 'sync'): LayoutEdge {
  return { from, to, connection };
}
