import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { checkoutTraces } from '@stitch/test-support/fixtures';
import { spanDuration, type Span } from '@stitch/model';
import { spansToOtlpJson } from '@stitch/wire';
import { LinkRegistry } from '../../access/links/link-registry.ts';
import { startTestCentral, type TestCentral } from '@stitch/test-support/central';

const TRACES = 60;

interface NodeJson {
  id: string;
  label: string;
  account: string;
  inferred: string | null;
  stats: { requests: number; p99Nanos: string; health: string; faults: number };
  traces: { q: string; account?: string; start: string; end: string };
}
interface EdgeJson {
  from: string;
  to: string;
  connection: string;
  stats: { requests: number; p50Nanos: string };
  traces: { q: string; account: string; start: string; end: string };
}

describe('GET /api/service-map: counted at ingest from spans sent by five linked accounts', () => {
  let central: TestCentral;
  const traces = checkoutTraces(TRACES, 21);
  const spans = traces.flat();
  const startMs = Math.min(...spans.map((s) => Number(s.startTimeUnixNano / 1_000_000n)));
  const window = `start=${startMs - 60_000}&end=${startMs + 3_600_000}`;

  before(async () => {
    const registry = await LinkRegistry.open(null);
    // A long pair wait: only the explicit settle at the end may turn an unpaired call into a peer.
    central = await startTestCentral({ links: registry, serviceMap: { pairWaitMs: 60_000, flushEveryMs: 60_000 } });
    const sink = await registry.createSink({ name: 'observability', allowedAccounts: ['*'], types: ['traces'] });
    const byAccount = new Map<string, Span[]>();
    for (const span of spans) byAccount.set(span.account.id, [...(byAccount.get(span.account.id) ?? []), span]);
    for (const [accountId, own] of byAccount) {
      const { token } = await registry.createLink(sink.id, { accountId, accountName: own[0]!.account.label, types: ['traces'], labelTemplate: '$AccountName' });
      // Several batches per account, newest first: the callee's span often arrives before its caller's.
      for (let i = own.length; i > 0; i -= 97) {
        const body = JSON.stringify(spansToOtlpJson(own.slice(Math.max(0, i - 97), i)));
        const answer = await fetch(`${central.url}/v1/traces`, { method: 'POST', headers: { 'content-type': 'application/json', authorization: `Bearer ${token}` }, body });
        assert.equal(answer.status, 200);
      }
    }
    await central.flushServiceMap(true);
  });
  after(() => central.stop());

  const get = async (path: string) => {
    const response = await fetch(`${central.url}${path}`);
    return { status: response.status, body: await response.json() };
  };

  test('every service of every account, the inferred peers, and the edges with their statistics', async () => {
    const { status, body } = await get(`/api/service-map?${window}`);
    assert.equal(status, 200);
    const nodes = body.nodes as NodeJson[];
    const node = (label: string) => nodes.find((n) => n.label === label)!;
    assert.deepEqual(
      nodes.filter((n) => n.inferred === null).map((n) => `${n.label}@${n.account}`).sort(),
      [...new Set(spans.map((s) => `${s.resource.serviceName}@${s.account.id}`))].sort(),
    );
    assert.equal(node('Stripe (api.stripe.com)').inferred, 'http');
    assert.equal(node('orders (dynamodb)').inferred, 'database');
    const edges = body.edges as EdgeJson[];
    const charges = edges.find((e) => e.from === node('checkout-orchestrator').id && e.to === node('payments').id)!;
    assert.equal(charges.stats.requests, TRACES);
    assert.equal(charges.connection, 'sync');
    assert.equal(edges.find((e) => e.to === node('notifications').id)!.connection, 'async');
    const served = spans.filter((s) => s.kind === 'server' && s.resource.serviceName === 'payments').map(spanDuration);
    assert.equal(node('payments').stats.requests, served.length);
    assert.ok(BigInt(node('payments').stats.p99Nanos) >= served.reduce((a, b) => (a > b ? a : b)) * 8n / 10n, 'p99 near the slowest of 60');
    assert.equal(node('payments').stats.health, 'green');
    assert.deepEqual(body.propagation, []);
  });

  test("from an edge, its traces: the query it carries finds exactly the traces through it", async () => {
    const { body } = await get(`/api/service-map?${window}`);
    const nodes = body.nodes as NodeJson[];
    const payments = nodes.find((n) => n.label === 'payments')!;
    const edge = (body.edges as EdgeJson[]).find((e) => e.to === payments.id)!;
    const query = new URLSearchParams({ ...edge.traces, limit: '1000' });
    const found = await get(`/api/traces?${query}`);
    assert.equal(found.status, 200, JSON.stringify(found.body));
    assert.equal(found.body.traces.length, TRACES);
    const fromNode = await get(`/api/traces?${new URLSearchParams({ ...payments.traces, limit: '1000' } as Record<string, string>)}`);
    assert.equal(fromNode.body.traces.length, TRACES);
  });

  test('one account: its nodes, their neighbours and the edges between', async () => {
    const { body } = await get(`/api/service-map?${window}&account=payments`);
    const labels = (body.nodes as NodeJson[]).map((n) => n.label).sort();
    assert.deepEqual(labels, ['Stripe (api.stripe.com)', 'checkout-orchestrator', 'payments']);
  });

  test('bad windows and parameters are refused by name; the propagation report answers', async () => {
    for (const [query, field] of [
      ['start=2000&end=1000', /^start: must be before end/],
      [`start=0&end=${30 * 86_400_000}`, /^start: the window may span at most 7 days/],
      ['start=yesterday', /^start: /],
      ['span=1', /^span: unknown parameter/],
    ] as const) {
      const { status, body } = await get(`/api/service-map?${query}`);
      assert.equal(status, 400, query);
      assert.match(body.error, field);
    }
    const report = await get(`/api/propagation?${window}`);
    assert.equal(report.status, 200);
    assert.deepEqual(report.body.findings, []);
  });
});

test('health thresholds from the command line: partial JSON over the defaults, a bad field named', async () => {
  const { parseHealthThresholds } = await import('./service-map-route.ts');
  const { DEFAULT_HEALTH } = await import('@stitch/graph');
  assert.deepEqual(parseHealthThresholds('{"redFaultRate": 0.1, "yellowP99Ms": 2000}'), { ...DEFAULT_HEALTH, redFaultRate: 0.1, yellowP99Nanos: 2_000_000_000n });
  assert.throws(() => parseHealthThresholds('{"redFaultRate": 3}'), /^Error: health\.redFaultRate: /);
  assert.throws(() => parseHealthThresholds('{"colour": 1}'), /^Error: health: /);
  assert.throws(() => parseHealthThresholds('nope'), /^Error: health: not JSON/);
});
