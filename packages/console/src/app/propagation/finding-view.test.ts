import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { PropagationFindingJson } from '@stitch/api';
import { nodeOf, tracesAtUrl } from './finding-view.ts';

const finding = (more: Partial<PropagationFindingJson>): PropagationFindingJson => ({
  kind: 'parent-never-arrived',
  from: null,
  to: 'service|111111111111|edge-gateway',
  count: 3,
  exampleTraceIds: [],
  message: 'edge-gateway: 3 requests name a calling span that never arrived',
  ...more,
});

test("a finding's nodes by service name and account label; a key is read back when the API names no node", () => {
  const named = { service: 'edge-gateway', account: '111111111111', accountLabel: 'edge (111111111111)' };
  assert.deepEqual(nodeOf(named, 'service|111111111111|edge-gateway'), named);
  assert.deepEqual(nodeOf(undefined, 'service|111111111111|edge-gateway'), { service: 'edge-gateway', account: '111111111111', accountLabel: '111111111111' });
  assert.deepEqual(nodeOf(undefined, 'service|local|pay%7Cments'), { service: 'pay|ments', account: 'local', accountLabel: 'local' });
  assert.equal(nodeOf(null, null), null);
});

test("without examples, the search of the service's traces in the window (read from the stored spans)", () => {
  const url = tracesAtUrl(finding({ toNode: { service: 'edge-gateway', account: '111111111111', accountLabel: 'edge' } }), { start: '1000', end: '2000' })!;
  const parsed = new URL(url, 'http://console');
  assert.equal(parsed.pathname, '/search');
  assert.deepEqual(Object.fromEntries(parsed.searchParams), { q: 'service("edge-gateway")', account: '111111111111', start: '1000', end: '2000' });
});
