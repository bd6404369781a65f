import { test } from 'node:test';
import assert from 'node:assert/strict';
import { buildServiceMap, ServiceGraphAggregator } from '@stitch/graph';
import type { ServiceMapJson } from '@stitch/api';
import { checkoutTraces } from '@stitch/test-support/fixtures';
import { renderServiceMap } from './render-service-map.ts';

test('the terminal map groups nodes by account, marks unhealthy ones, draws async calls and lists broken context', () => {
  const traces = checkoutTraces(20, 4);
  for (const trace of traces) {
    const stock = trace.filter((s) => s.name === 'GET /stock');
    for (const span of stock) span.status = { code: 'error', message: 'timeout' };
  }
  const aggregator = new ServiceGraphAggregator();
  aggregator.add(traces.flat(), 0);
  aggregator.expire(Number.MAX_SAFE_INTEGER);
  const map = buildServiceMap(aggregator.drain(), { startMs: 1_764_000_000_000, endMs: 1_764_000_900_000 });
  const json = JSON.parse(JSON.stringify({ ...map, propagation: [{ message: 'trace context dropped between a and b: 3 calls', exampleTraceIds: ['abc'] }] }, (_k, v) => (typeof v === 'bigint' ? v.toString() : v))) as ServiceMapJson;
  const text = renderServiceMap(json);
  assert.match(text, /^account catalog \(333333333333\)\n {2}ok {2}inventory +\d/m);
  assert.match(text, /^inferred \(not instrumented\)$/m);
  assert.match(text, /^ {2}BAD  warehouse\.internal .*fault 100\.0%.*\[http\]$/m);
  assert.match(text, /checkout-orchestrator ~> order-events/);
  assert.match(text, /order-events +~> notifications/);
  assert.match(text, /edge-gateway -> checkout-orchestrator/);
  assert.match(text, /^ {2}! trace context dropped between a and b: 3 calls; e\.g\. abc$/m);
});
