import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { MapEdgeJson, MapNodeJson, StatsJson } from '@stitch/api';
import { accountNodeId, collapseAccounts } from './collapse-accounts.ts';

const stats = (requests: number, faults: number, health: StatsJson['health'], p99: string | null = '5000000'): StatsJson => ({
  requests, requestsPerSecond: requests / 60, p50Nanos: '1000000', p95Nanos: '3000000', p99Nanos: p99, meanNanos: '1500000',
  errors: 0, faults, throttles: 0, errorRate: 0, faultRate: requests === 0 ? 0 : faults / requests, throttleRate: 0, health,
});
const window = { start: '1', end: '2' };
const service = (account: string, name: string, s: StatsJson): MapNodeJson => ({
  id: `service|${account}|${name}`, account, accountLabel: `acct ${account}`, service: name, inferred: null, label: name, stats: s, rootEntries: 1,
  query: `service("${name}")`, traces: { q: `service("${name}")`, account, ...window },
});
const call = (from: string, to: string, s: StatsJson): MapEdgeJson => ({ from, to, connection: 'sync', stats: s, query: `edge("${from}", "${to}")`, traces: { q: `edge("${from}", "${to}")`, ...window } });

// edge › gateway calls catalog's pricing and inventory; inventory calls pricing; pricing calls Stripe.
const gateway = service('1', 'gateway', stats(100, 0, 'green'));
const pricing = service('3', 'pricing', stats(60, 3, 'yellow'));
const inventory = service('3', 'inventory', stats(40, 0, 'green'));
const stripe: MapNodeJson = { ...service('', 'Stripe', stats(60, 0, 'green')), id: 'http||api.stripe.com', inferred: 'http' };
const nodes = [gateway, pricing, inventory, stripe];
const edges = [call(gateway.id, pricing.id, stats(50, 3, 'yellow')), call(gateway.id, inventory.id, stats(40, 0, 'green')), call(inventory.id, pricing.id, stats(10, 0, 'green')), call(pricing.id, stripe.id, stats(60, 0, 'green'))];

test('a collapsed account is one node; calls to it merge, calls inside it go', () => {
  const shown = collapseAccounts(nodes, edges, new Set(['3']));
  const catalog = shown.nodes.find((node) => node.id === accountNodeId('3'))!;
  assert.deepEqual(shown.nodes.map((node) => node.id).sort(), [accountNodeId('3'), gateway.id, stripe.id].sort());
  assert.equal(catalog.label, '2 services');
  assert.equal(catalog.stats.requests, 100);
  assert.equal(catalog.stats.faults, 3);
  assert.equal(catalog.stats.faultRate, 0.03);
  assert.equal(catalog.stats.health, 'yellow', 'the worst of its services');
  assert.equal(catalog.stats.p99Nanos, null, 'no percentile of two services is either one');
  assert.equal(catalog.traces.q, 'account = "3"');

  const into = shown.edges.find((edge) => edge.from === gateway.id)!;
  assert.equal(shown.edges.filter((edge) => edge.from === gateway.id).length, 1, "gateway's two calls are one");
  assert.equal(into.stats.requests, 90);
  assert.equal(into.stats.p99Nanos, null);
  assert.equal(into.stats.health, 'yellow');
  assert.equal(into.traces.q, `(edge("${gateway.id}", "${pricing.id}")) OR (edge("${gateway.id}", "${inventory.id}"))`);
  const out = shown.edges.find((edge) => edge.to === stripe.id)!;
  assert.equal(out.from, accountNodeId('3'));
  assert.equal(out.stats.p99Nanos, '5000000', 'one call keeps its own figures');
  assert.equal(shown.edges.length, 2, 'inventory → pricing is inside the account');
});

test('nothing collapsed is the map as it came', () => {
  const shown = collapseAccounts(nodes, edges, new Set());
  assert.deepEqual(shown, { nodes, edges });
});
