import { test } from 'node:test';
import assert from 'node:assert/strict';
import { checkoutTraces } from '@stitch/test-support/fixtures';
import { spanToJson } from '@stitch/model';
import { expectedPage, expectedTrace, mapAnswerProblem, mapFacts, searchAnswerProblem, traceAnswerProblem, type ServiceMapJson } from './federation-checks.ts';

const traces = [...checkoutTraces(30, 0x10), ...checkoutTraces(3, 0x11, { stripeMs: [8_500, 9_000] })];
const window = { startMs: 1_764_000_000_000, endMs: 1_764_003_600_000 };

test('trace answers: every span of five accounts as sent, nothing partial', () => {
  const spans = traces[0]!;
  const expected = expectedTrace(spans);
  const json = (list = spans) => ({ spans: list.map(spanToJson) });
  assert.equal(traceAnswerProblem(200, json(), expected), null);
  assert.equal(traceAnswerProblem(200, json([...spans].reverse()), expected), null);
  assert.match(traceAnswerProblem(404, null, expected)!, /status 404/);
  assert.match(traceAnswerProblem(200, { ...json(), partial: { missingAccounts: [{ accountId: '444444444444' }] } }, expected)!, /partial/);
  assert.match(traceAnswerProblem(200, json(spans.filter((s) => s.account.label !== 'payments')), expected)!, /spans, 17 sent/);
  const moved = spans.map((s, i) => (i === 3 ? { ...s, endTimeUnixNano: s.startTimeUnixNano } : s));
  assert.match(traceAnswerProblem(200, json(moved), expected)!, /differ/);
});

test('search pages: the reference newest matches, in order', () => {
  const slow = expectedPage(traces, 'duration > 8', window, 20);
  assert.equal(slow.total, 3);
  const every = expectedPage(traces, '', window, 20);
  assert.equal(every.total, 33);
  const page = (entries: typeof every.page) => ({ traces: entries.map((e) => ({ traceId: e.traceId, startTimeUnixNano: e.start, durationMs: 0, services: [], status: 'ok' as const, errorSpanCount: 0 })) });
  assert.equal(searchAnswerProblem(200, page(every.page), every), null);
  assert.match(searchAnswerProblem(200, page([...every.page].reverse()), every)!, /page entry 1/);
  assert.match(searchAnswerProblem(200, page(every.page.slice(1)), every)!, /19 traces on the page/);
  assert.match(searchAnswerProblem(200, { ...page(every.page), partial: { stoppedAt: ['checked 20000'] } }, every)!, /partial/);
});

test('map answers: the checked edge counts every call, and the facts equal the other mode', () => {
  const map = (requests: number, p99 = '100'): ServiceMapJson => {
    const stats = { requests, p99Nanos: p99 };
    return {
      nodes: [
        { id: 'a', service: 'checkout-orchestrator', inferred: null, stats: { requests: 5 } },
        { id: 'b', service: 'payments', inferred: null, stats: { requests } },
      ],
      edges: [{ from: 'a', to: 'b', stats }],
    };
  };
  const edge = { caller: 'checkout-orchestrator', callee: 'payments', requests: 7 };
  assert.equal(mapAnswerProblem(200, map(7), edge, mapFacts(map(7))), null);
  assert.match(mapAnswerProblem(200, map(6), edge, null)!, /6 requests, the spans hold 7/);
  assert.match(mapAnswerProblem(200, map(7, '200'), edge, mapFacts(map(7)))!, /differ/);
  assert.match(mapAnswerProblem(200, { nodes: [], edges: [] }, edge, null)!, /no edges/);
});
