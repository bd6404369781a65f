import { test } from 'node:test';
import assert from 'node:assert/strict';
import { buildTraceTree, criticalPath, makeSpan, nanos, spanToJson } from '@stitch/model';
import { renderWaterfall, type WaterfallSpan } from './render-waterfall.ts';

const at = (ms: number) => nanos(1_800_000_000_000_000_000n + BigInt(ms) * 1_000_000n);

function waterfallOf(spans: ReturnType<typeof makeSpan>[]): WaterfallSpan[] {
  const onPath = criticalPath(spans).spanIds;
  return buildTraceTree(spans).spans.map((node) => ({
    ...spanToJson(node.span),
    depth: node.depth,
    selfTimeNanos: node.selfTimeNanos.toString(),
    critical: onPath.has(node.span.spanId),
  }));
}

test('indents children under parents, places bars on the time axis and flags errors', () => {
  const traceId = 'd'.repeat(32);
  const root = makeSpan({ traceId, name: 'POST /checkout', startTimeUnixNano: at(0), endTimeUnixNano: at(9200) });
  const stripe = makeSpan({
    traceId,
    parentSpanId: root.spanId,
    name: 'Stripe API call',
    kind: 'client',
    startTimeUnixNano: at(600),
    endTimeUnixNano: at(9100),
    resource: { serviceName: 'payments', attributes: {} },
    account: { id: '222', label: 'payments' },
    status: { code: 'error', message: 'timeout' },
  });
  const lines = renderWaterfall(waterfallOf([stripe, root]), { width: 120 }).split('\n');
  assert.equal(lines.length, 3);
  assert.match(lines[1]!, /^checkout-orchestrator: POST \/checkout/);
  assert.match(lines[2]!, /^  payments: Stripe API call/);
  assert.match(lines[2]!, / !\*/);
  assert.match(lines[2]!, /8\.50s/);
  assert.match(lines[2]!, /payments$/);
  // The root bar starts at column 0 of the axis, the Stripe bar later.
  const barStart = (line: string) => line.indexOf('█');
  assert.ok(barStart(lines[2]!) > barStart(lines[1]!));
});

test('marks the critical path with * and keeps the self-time column', () => {
  const traceId = 'e'.repeat(32);
  const root = makeSpan({ traceId, name: 'POST /checkout', startTimeUnixNano: at(0), endTimeUnixNano: at(1000) });
  const pricing = makeSpan({ traceId, parentSpanId: root.spanId, name: 'POST /quotes', startTimeUnixNano: at(100), endTimeUnixNano: at(400) });
  // Runs beside pricing and finishes first: the parent waited on pricing, not on this.
  const inventory = makeSpan({ traceId, parentSpanId: root.spanId, name: 'POST /reservations', startTimeUnixNano: at(100), endTimeUnixNano: at(300) });
  const lines = renderWaterfall(waterfallOf([root, pricing, inventory]), { width: 120 }).split('\n');
  const row = (name: string) => lines.find((line) => line.includes(name))!;
  assert.match(row('POST /checkout'), /^\S.* {2}\*█/);
  assert.match(row('POST /quotes'), / {2}\* *█/);
  assert.match(row('POST /reservations'), / {3} *█/);
  assert.doesNotMatch(row('POST /reservations'), /\*/);
  assert.match(row('POST /checkout'), /self 700\.0ms/);
  // The header's axis starts in the bar column.
  assert.equal(lines[0]!.indexOf(' 0') + 1, row('POST /checkout').indexOf('█'));
  const colored = renderWaterfall(waterfallOf([root, pricing, inventory]), { width: 120, color: true });
  assert.match(colored, /\u001b\[33m\*/);
});

test('an empty trace renders a placeholder rather than throwing', () => {
  assert.equal(renderWaterfall([]), '(no spans)');
});
