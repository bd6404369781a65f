import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import type { IncomingMessage } from 'node:http';
import type { GraphRecord } from '@stitch/graph';
import { makeSpan, nanos, spanToJson, traceSummaryJson, type Span } from '@stitch/model';
import { parseFilter } from '@stitch/query';
import { sendJson } from '@stitch/http';
import { FEDERATION_PATHS } from './protocol.ts';
import { ReadAllowList } from './read-allow-list.ts';
import { RemoteStore } from './remote-store.ts';
import { listen, type TestServer } from '@stitch/test-support/listen';

const member = { id: '333333333333', label: 'payments' };
const other = { id: '999999999999', label: 'someone else' };
const traceId = (n: number) => `f${n.toString(16).padStart(31, '0')}`;

/** A compromised agent: its answers are well formed, but claim another account's name. */
function hostileAnswers(traceIds: string[]): Record<string, unknown> {
  const span = (id: string): Span => makeSpan({ traceId: id, account: other, resource: { serviceName: 'ledger', attributes: {} } });
  const ref = { account: other.id, accountLabel: other.label, service: 'ledger', inferred: null, label: 'ledger' };
  const peer = { account: '123456789012', accountLabel: '123456789012', service: 'api.stripe.com', inferred: 'http' as const, label: 'Stripe' };
  const record: GraphRecord = {
    bucketStartMs: 60_000,
    kind: 'edge',
    connection: 'sync',
    from: ref,
    to: peer,
    measurements: { count: 3, errors: 0, faults: 0, throttles: 0, latencySumNanos: 5n, latency: { buckets: [0, 1_200], counts: [1, 2] } },
    roots: 0,
    examples: [],
  };
  return {
    [FEDERATION_PATHS.traces]: {
      // The asked-for traces, and one more that was not asked for.
      traces: Object.fromEntries([...traceIds, traceId(404)].map((id) => [id, [spanToJson(span(id))]])),
    },
    [FEDERATION_PATHS.search]: { traces: [{ ...traceSummaryJson({ traceId: traceId(1), rootServiceName: 'ledger', rootSpanName: 'x', startTimeUnixNano: nanos(5n), durationNanos: nanos(7n), spanCount: 1, services: ['ledger'], accounts: [other.id, member.id], status: 'ok', errorSpanCount: 0 }) }] },
    [FEDERATION_PATHS.graph]: { records: [record, { ...record, kind: 'node', from: null, to: ref }] },
    [FEDERATION_PATHS.services]: { services: [{ serviceName: 'ledger', accounts: [other.id], spanCount: 2 }, { serviceName: 'ledger', accounts: ['111111111111'], spanCount: 3 }, { serviceName: 'billing', accounts: [member.id], spanCount: 1 }] },
    [FEDERATION_PATHS.accounts]: {
      accounts: [
        { accountId: other.id, label: other.label, services: ['ledger'], spanCount: 2, lastSeenNanos: '9000', firstSeenNanos: '50' },
        { accountId: member.id, label: 'a name it chose', services: ['billing'], spanCount: 1, lastSeenNanos: '10', firstSeenNanos: '5' },
      ],
    },
  };
}

describe('RemoteStore', () => {
  let server: TestServer;
  let store: RemoteStore;
  const requests: Array<{ path: string; authorization: string | undefined; body: { traceIds?: string[] } | undefined }> = [];
  const read = async (req: IncomingMessage): Promise<{ traceIds?: string[] } | undefined> => {
    const chunks: Buffer[] = [];
    for await (const chunk of req) chunks.push(chunk as Buffer);
    return chunks.length ? JSON.parse(Buffer.concat(chunks).toString()) : undefined;
  };
  before(async () => {
    server = await listen((req, res) => {
      void read(req).then((body) => {
        const path = new URL(req.url!, 'http://agent').pathname;
        requests.push({ path, authorization: req.headers.authorization, body });
        sendJson(res, 200, hostileAnswers(body?.traceIds ?? [traceId(1)])[path] ?? {});
      });
    });
    store = new RemoteStore({ url: `${server.url}/`, token: 'link-token', allowList: ReadAllowList.of([server.url]), account: member, timeoutMs: 2_000 });
  });
  after(() => server.close());

  test('whatever account an agent names, what it answers is the member account', async () => {
    const spans = await store.getTrace(traceId(1));
    assert.deepEqual(spans.map((span) => span.account), [member]);
    const traces = await store.getTraces([traceId(1), traceId(2)]);
    assert.deepEqual([...traces.keys()], [traceId(1), traceId(2)], 'a trace that was not asked for is dropped');
    assert.deepEqual([...traces.values()].flat().map((span) => span.account.id), [member.id, member.id]);

    const [summary] = await store.searchTraces({ startNanos: nanos(0n), endNanos: nanos(10n), limit: 5 });
    assert.deepEqual(summary!.accounts, [member.id]);

    const [edge, node] = await store.readGraphRecords(0, 120_000);
    assert.deepEqual(edge!.from, { account: member.id, accountLabel: member.label, service: 'ledger', inferred: null, label: 'ledger' });
    assert.deepEqual(edge!.to.account, '123456789012', "an inferred peer keeps the account its callers recorded, as at ingest");
    assert.deepEqual([node!.to.account, node!.to.accountLabel], [member.id, member.label]);

    assert.deepEqual(await store.listServices(), [
      { serviceName: 'billing', accounts: [member.id], spanCount: 1 },
      { serviceName: 'ledger', accounts: [member.id], spanCount: 5 },
    ]);
    assert.deepEqual(await store.listAccounts(), [{ accountId: member.id, label: member.label, services: ['billing', 'ledger'], spanCount: 3, lastSeenNanos: 9000n, firstSeenNanos: 5n }]);
  });

  test('every request carries the link token; trace ids go 1000 at a time, and ids that are not ids are not sent', async () => {
    requests.length = 0;
    const ids = Array.from({ length: 2_500 }, (_, i) => traceId(i + 1));
    const traces = await store.getTraces([...ids, ids[0]!, 'not-a-trace-id']);
    assert.equal(traces.size, 2_500);
    assert.deepEqual(requests.map((r) => r.body?.traceIds?.length), [1000, 1000, 500]);
    assert.ok(requests.every((r) => r.authorization === 'Bearer link-token' && r.path === FEDERATION_PATHS.traces));
    assert.deepEqual(await store.getTrace('nope'), []);
  });

  test('a search is sent as decimal nanoseconds and filter text that means the same', async () => {
    requests.length = 0;
    const filter = parseFilter('service("pay\\"ments") { duration > 8 } AND NOT (fault OR annotation.vip = true)');
    await store.searchTraces({ startNanos: nanos(1n), endNanos: nanos(2n ** 62n), limit: 20, serviceName: 'ledger', minDurationNanos: nanos(5n), filter });
    assert.deepEqual(requests[0]!.body, {
      start: '1',
      end: String(2n ** 62n),
      limit: 20,
      service: 'ledger',
      minDuration: '5',
      filter: 'service("pay\\"ments") { duration > 8000000000ns } AND NOT (fault OR annotation.vip = true)',
    });
  });
});
