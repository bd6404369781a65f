import { test } from 'node:test';
import assert from 'node:assert/strict';
import { makeSpan, nanos, type Span } from '@stitch/model';
import { matchedSpans } from './evaluate.ts';
import { parseFilter } from './parser.ts';

// The spans a match is made of (TraceQL's resulting span set, what Tempo's search returns per
// trace), on one trace: frontend's server span, its failed call, backend's server span under it,
// and two database calls under that.

const TRACE = '5f00000000000000000000000000abcd';
const at = (ms: number) => nanos(1_764_000_000_000_000_000n + BigInt(ms) * 1_000_000n);
const span = (spanId: string, parent: string | null, service: string, overrides: Partial<Span>): Span =>
  makeSpan({ traceId: TRACE, spanId, parentSpanId: parent, resource: { serviceName: service, attributes: { 'service.name': service } }, startTimeUnixNano: at(Number.parseInt(spanId, 16)), endTimeUnixNano: at(Number.parseInt(spanId, 16) + 5), ...overrides });
const SPANS = [
  span('0000000000000001', null, 'frontend', { name: 'GET /checkout', kind: 'server' }),
  span('0000000000000002', '0000000000000001', 'frontend', { name: 'POST', kind: 'client', status: { code: 'error', message: '502' } }),
  span('0000000000000003', '0000000000000002', 'backend', { name: 'POST /charge', kind: 'server', status: { code: 'error', message: 'db down' } }),
  span('0000000000000004', '0000000000000003', 'backend', { name: 'SELECT', kind: 'client', attributes: { 'db.system': 'postgresql' } }),
  span('0000000000000005', '0000000000000003', 'backend', { name: 'SELECT', kind: 'client', attributes: { 'db.system': 'postgresql' } }),
];
const matched = (q: string) => matchedSpans(parseFilter(q), SPANS).map((s) => Number.parseInt(s.spanId, 16));

test('a span set gives the spans meeting its condition; && both sides, || the sides that hold', () => {
  assert.deepEqual(matched('{ status = error }'), [2, 3]);
  assert.deepEqual(matched('{ span.db.system = "postgresql" } && { kind = server }'), [1, 3, 4, 5]);
  assert.deepEqual(matched('{ name = "nope" } || { resource.service.name = "frontend" }'), [1, 2]);
  assert.deepEqual(matched('{}'), [1, 2, 3, 4, 5]);
});

test('structure gives the spans the relation selects; a pipeline the spans of the groups it keeps', () => {
  assert.deepEqual(matched('{ kind = server } >> { span.db.system = "postgresql" }'), [4, 5]);
  assert.deepEqual(matched('{ resource.service.name = "frontend" } > { resource.service.name = "backend" }'), [3]);
  assert.deepEqual(matched('{ name = "SELECT" } | count() > 1'), [4, 5]);
  assert.deepEqual(matched('{ } | by(resource.service.name) | count() > 2'), [3, 4, 5]);
});

test('a trace that does not match has no spans; conditions on the whole trace select none', () => {
  assert.deepEqual(matched('{ name = "nope" }'), []);
  assert.deepEqual(matched('{ name = "SELECT" } | count() > 5'), []);
  assert.deepEqual(matched('duration > 1ms'), []);
  assert.deepEqual(matched('duration > 1ms && { kind = client }'), [2, 4, 5]);
});
