import { test } from 'node:test';
import assert from 'node:assert/strict';
import { calledPeerOf, type Span } from '@stitch/model';
import { parseFilter, traceMatches } from '@stitch/query';
import { checkoutTraces } from '@stitch/test-support/fixtures';
import { nodeKey, serviceRef, peerRef } from './graph-record.ts';
import { mapOf, newTraceId, stockSpan } from './stock-otel-spans.ts';

const isEntry = (span: Span) => span.kind === 'server' || span.kind === 'consumer';
const isCall = (span: Span) => span.kind === 'client' || span.kind === 'producer';

/**
 * Which traces each node and edge counted, from the spans' structure: a service's entry and root
 * spans; a parent → child pair (a call and its callee's entry span, or two services' entry spans);
 * a call no entry span answered, to its inferred peer; a message through a topic to its consumer.
 */
function contributors(traces: Span[][]): Map<string, Set<string>> {
  const truth = new Map<string, Set<string>>();
  const add = (key: string, traceId: string) => {
    if (!truth.has(key)) truth.set(key, new Set());
    truth.get(key)!.add(traceId);
  };
  for (const trace of traces) {
    const byId = new Map(trace.map((span) => [span.spanId, span]));
    const answered = new Set(trace.filter((span) => isEntry(span) && span.parentSpanId !== null).map((span) => span.parentSpanId!));
    for (const span of trace) {
      const own = nodeKey(serviceRef(span));
      if (isEntry(span) || span.parentSpanId === null) add(own, span.traceId);
      const parent = span.parentSpanId === null ? undefined : byId.get(span.parentSpanId);
      const peer = calledPeerOf(span);
      if (peer && (!answered.has(span.spanId) || (span.kind === 'producer' && peer.type === 'queue'))) {
        const to = nodeKey(peerRef(peer, span));
        add(to, span.traceId);
        add(`${own} -> ${to}`, span.traceId);
      }
      if (!isEntry(span) || !parent) continue;
      const parentPeer = calledPeerOf(parent);
      if (parent.kind === 'producer' && parentPeer?.type === 'queue') add(`${nodeKey(peerRef(parentPeer, parent))} -> ${own}`, span.traceId);
      else if (isCall(parent) || nodeKey(serviceRef(parent)) !== own) add(`${nodeKey(serviceRef(parent))} -> ${own}`, span.traceId);
    }
  }
  return truth;
}

test('each node’s and edge’s query selects exactly the traces that contributed to it', () => {
  const traces = checkoutTraces(60, 31);
  // Stock OpenTelemetry without client spans: a gateway's server span the parent of a function's.
  for (let i = 0; i < 20; i++) {
    const traceId = newTraceId();
    const gateway = stockSpan({ traceId, service: 'api-gateway', cloudAccount: '888888888888', kind: 'server', name: 'GET /quote', startMs: i * 100, durationMs: 50 });
    const quote = stockSpan({ traceId, parent: gateway, service: 'quote-fn', cloudAccount: '888888888888', kind: 'server', name: 'GET /quote', startMs: i * 100 + 1, durationMs: 40 });
    const calls = [
      stockSpan({ traceId, parent: quote, service: 'quote-fn', kind: 'client', name: 'POST', startMs: i * 100 + 2, durationMs: 10, attributes: { 'server.address': '127.0.0.1', 'server.port': i % 2 === 0 ? 33103 : 33104 } }),
      stockSpan({ traceId, parent: quote, service: 'quote-fn', kind: 'client', name: 'GetItem', startMs: i * 100 + 3, durationMs: 5, attributes: { 'db.system': 'dynamodb', 'aws.dynamodb.table_names': ['orders'] } }),
    ];
    traces.push([gateway, quote, ...(i % 3 === 0 ? calls : calls.slice(0, 1))]);
  }
  const map = mapOf(traces.flat(), 7);
  const truth = contributors(traces);
  const matching = (query: string, account?: string) =>
    new Set(traces.filter((spans) => traceMatches(parseFilter(account ? `(${query}) AND account = ${JSON.stringify(account)}` : query), spans)).map((spans) => spans[0]!.traceId));
  // What the map route sends along (service-map-route.ts: a service node's and an edge's caller's account).
  const nodeAccount = new Map(map.nodes.map((n) => [n.id, n.inferred === null ? n.account : undefined]));
  const checked: string[] = [];
  for (const node of map.nodes) {
    assert.deepEqual([...matching(node.query, nodeAccount.get(node.id))].sort(), [...(truth.get(node.id) ?? [])].sort(), `node ${node.label}: ${node.query}`);
    checked.push(node.inferred ?? 'service');
  }
  for (const edge of map.edges) {
    const account = map.nodes.find((n) => n.id === edge.from)!.account;
    assert.deepEqual([...matching(edge.query, account)].sort(), [...(truth.get(`${edge.from} -> ${edge.to}`) ?? [])].sort(), `edge ${edge.from} -> ${edge.to}: ${edge.query}`);
  }
  // Not vacuous: every kind of node, and the edges between services, to peers and from a topic.
  for (const kind of ['service', 'http', 'database', 'queue']) assert.ok(checked.includes(kind), kind);
  assert.ok(map.edges.length >= 14, `${map.edges.length} edges`);
  assert.ok(map.nodes.some((n) => n.label === '127.0.0.1:33103') && map.nodes.some((n) => n.label === '127.0.0.1:33104'));
});
