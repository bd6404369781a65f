import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { exportSampleTrace, type ExportedTrace } from '@stitch/test-support/exporters';
import { startTestCentral, type TestCentral } from '@stitch/test-support/central';
import {
  base64IdToHex,
  tempoGet,
  tempoQueryRangeResponse,
  tempoSearchResponse,
  tempoTagsResponse,
  tempoTagsV2Response,
  tempoTagValuesResponse,
  tempoTagValuesV2Response,
  tempoTraceV1Response,
  tempoTraceV2Response,
} from '@stitch/test-support/tempo-client';
import { decodeOtlpTraces } from '@stitch/wire';

// Central's Tempo-compatible API, read by a client written from Tempo's API documentation
// (test-support/tempo-client.ts): every answer parsed strictly in the documented shape, and its
// content checked against what was sent (the stock exporter's two-span trace, the root a server
// span of checkout-orchestrator, its child a failed client call).

const READ_TOKEN = 'tempo-test-read-token-0123456789abcdef';
const ADMIN_TOKEN = 'tempo-test-admin-token-0123456789abcdef';

describe("central's Tempo API", () => {
  let central: TestCentral;
  let tempo: string;
  let sent: ExportedTrace;
  let other: ExportedTrace;
  const get = <T extends Parameters<typeof tempoGet>[2]>(path: string, shape: T) => tempoGet(tempo, path, shape, READ_TOKEN);
  const window = () => `start=${Math.floor(sent.startMs / 1000) - 60}&end=${Math.ceil(Date.now() / 1000) + 60}`;

  before(async () => {
    central = await startTestCentral({ tempo: { port: 0 }, adminToken: ADMIN_TOKEN, readToken: READ_TOKEN });
    tempo = `http://127.0.0.1:${central.tempoPort}`;
    sent = await exportSampleTrace(central.url, 'protobuf', { authorization: `Bearer ${ADMIN_TOKEN}` });
    other = await exportSampleTrace(central.url, 'json', { authorization: `Bearer ${ADMIN_TOKEN}` });
  });
  after(() => central.stop());

  test('echo and build info answer without a credential (Grafana tests the data source with echo); everything else wants the read token', async () => {
    const echo = await fetch(`${tempo}/api/echo`);
    assert.equal(echo.status, 200);
    assert.equal(await echo.text(), 'echo');
    const build = (await (await fetch(`${tempo}/api/status/buildinfo`)).json()) as Record<string, unknown>;
    assert.deepEqual(Object.keys(build).sort(), ['branch', 'buildDate', 'buildUser', 'goVersion', 'revision', 'version']);
    assert.ok(Object.values(build).every((value) => typeof value === 'string'));
    assert.equal((await fetch(`${tempo}/api/search?q={}`)).status, 401);
    assert.equal((await fetch(`${tempo}/api/search?q={}`, { headers: { authorization: 'Bearer wrong' } })).status, 401);
    assert.equal((await fetch(`${tempo}/`, { headers: { authorization: `Bearer ${READ_TOKEN}` } })).status, 404, 'no console on the Tempo port');
  });

  test('search with TraceQL: each trace with its matched spans (spss of them) and their count', async () => {
    const errors = await get(`/api/search?q=${encodeURIComponent('{ status = error }')}&${window()}&limit=20&spss=3`, tempoSearchResponse);
    const found = errors.traces.find((trace) => trace.traceID === sent.traceId);
    assert.ok(found, `the trace with an error span is found: ${JSON.stringify(errors)}`);
    assert.equal(found.rootServiceName, 'checkout-orchestrator');
    assert.equal(found.rootTraceName, 'POST /checkout');
    assert.equal(BigInt(found.startTimeUnixNano), BigInt(sent.startMs) * 1_000_000n);
    assert.equal(found.durationMs, 50);
    assert.equal(found.spanSets?.length, 1);
    assert.equal(found.spanSets![0]!.matched, 1);
    assert.deepEqual(found.spanSets![0]!.spans.map((span) => span.spanID), [sent.childSpanId]);
    assert.equal(found.spanSets![0]!.spans[0]!.durationNanos, '30000000');
    assert.deepEqual(found.spanSet, found.spanSets![0], 'the deprecated spanSet is the first of spanSets');

    const all = await get(`/api/search?q=${encodeURIComponent('{ }')}&${window()}&spss=1`, tempoSearchResponse);
    const whole = all.traces.find((trace) => trace.traceID === sent.traceId)!;
    assert.equal(whole.spanSets![0]!.matched, 2);
    assert.equal(whole.spanSets![0]!.spans.length, 1, 'spss=1 sends one span of the two matched');
    const limited = await get(`/api/search?q=${encodeURIComponent('{ }')}&${window()}&limit=1`, tempoSearchResponse);
    assert.equal(limited.traces.length, 1);
    const none = await get(`/api/search?q=${encodeURIComponent('{ name = "no such span" }')}&${window()}`, tempoSearchResponse);
    assert.deepEqual(none.traces, []);
  });

  test('search with the older tags (logfmt) and durations', async () => {
    const tagged = await get(`/api/search?tags=${encodeURIComponent('service.name=checkout http.route=/checkout')}&minDuration=40ms&${window()}`, tempoSearchResponse);
    assert.deepEqual(tagged.traces.map((trace) => trace.traceID).sort(), [sent.traceId, other.traceId].sort());
    assert.equal(tagged.traces[0]!.spanSets, undefined, 'a tags search has no span sets');
    const tooLong = await get(`/api/search?tags=${encodeURIComponent('service.name=checkout')}&minDuration=60ms&${window()}`, tempoSearchResponse);
    assert.deepEqual(tooLong.traces, []);
    const both = await fetch(`${tempo}/api/search?q={}&tags=a=b`, { headers: { authorization: `Bearer ${READ_TOKEN}` } });
    assert.equal(both.status, 400);
    const nanos = await fetch(`${tempo}/api/search?q={}&start=${sent.startMs * 1_000_000}`, { headers: { authorization: `Bearer ${READ_TOKEN}` } });
    assert.equal(nanos.status, 400, 'search takes unix seconds, as Tempo does');
    assert.match(((await nanos.json()) as { error: string }).error, /^start: /);
  });

  test('a trace by id: v1 { batches }, v2 { trace: { resourceSpans } } in JSON (ids in base64), and protobuf when asked; unknown: 404', async () => {
    const v1 = await get(`/api/traces/${sent.traceId}`, tempoTraceV1Response);
    const v1Spans = v1.batches.flatMap((batch) => batch.scopeSpans.flatMap((scope) => scope.spans));
    assert.deepEqual(v1Spans.map((span) => base64IdToHex(span.spanId)).sort(), [sent.rootSpanId, sent.childSpanId].sort());
    assert.ok(v1Spans.every((span) => base64IdToHex(span.traceId) === sent.traceId));
    assert.deepEqual(v1Spans.map((span) => span.kind).sort(), ['SPAN_KIND_CLIENT', 'SPAN_KIND_SERVER']);
    const v2 = await get(`/api/v2/traces/${sent.traceId.toUpperCase()}`, tempoTraceV2Response);
    assert.deepEqual(v2.trace.resourceSpans, v1.batches);

    const asProtobuf = (path: string) => fetch(`${tempo}${path}`, { headers: { authorization: `Bearer ${READ_TOKEN}`, accept: 'application/protobuf' } });
    const v1Bytes = new Uint8Array(await (await asProtobuf(`/api/traces/${sent.traceId}`)).arrayBuffer());
    // tempopb.Trace: resource spans in field 1, as OTLP's export request, so OTLP's decoder reads it.
    const decoded = decodeOtlpTraces(v1Bytes, 'protobuf', { id: 'any', label: 'any' });
    assert.deepEqual([...decoded.batch.spanId].sort(), [sent.rootSpanId, sent.childSpanId].sort());
    const v2Response = await asProtobuf(`/api/v2/traces/${sent.traceId}`);
    assert.equal(v2Response.headers.get('content-type'), 'application/protobuf');
    const v2Bytes = new Uint8Array(await v2Response.arrayBuffer());
    // TraceByIDResponse: field 1 (the trace), length-delimited.
    assert.equal(v2Bytes[0], (1 << 3) | 2);
    assert.deepEqual(v2Bytes.subarray(v2Bytes.length - v1Bytes.length), v1Bytes);

    const unknown = await fetch(`${tempo}/api/traces/1234abcd`, { headers: { authorization: `Bearer ${READ_TOKEN}` } });
    assert.equal(unknown.status, 404);
    assert.equal(await unknown.text(), '');
    assert.equal((await fetch(`${tempo}/api/traces/not-hex`, { headers: { authorization: `Bearer ${READ_TOKEN}` } })).status, 400);
  });

  test('tag names (v1 and v2, by scope) and tag values (v1 bare names, v2 TraceQL names with types)', async () => {
    const v1 = await get(`/api/search/tags?${window()}`, tempoTagsResponse);
    for (const name of ['order.total', 'http.route', 'service.name', 'service.version']) assert.ok(v1.tagNames.includes(name), `${name} in ${v1.tagNames}`);
    const v2 = await get(`/api/v2/search/tags?${window()}`, tempoTagsV2Response);
    const scope = (name: string) => v2.scopes.find((s) => s.name === name)?.tags ?? [];
    assert.ok(scope('span').includes('order.total'));
    assert.ok(scope('resource').includes('service.version'));
    assert.ok(scope('intrinsic').includes('status'));
    assert.ok(scope('event').includes('attempt'));
    const onlySpan = await get(`/api/v2/search/tags?scope=span&${window()}`, tempoTagsV2Response);
    assert.deepEqual(onlySpan.scopes.map((s) => s.name), ['span']);
    assert.equal((await fetch(`${tempo}/api/v2/search/tags?scope=nope`, { headers: { authorization: `Bearer ${READ_TOKEN}` } })).status, 400);

    const services = await get(`/api/search/tag/service.name/values?${window()}`, tempoTagValuesResponse);
    assert.deepEqual(services.tagValues, ['checkout-orchestrator']);
    const items = await get(`/api/v2/search/tag/span.order.items/values?${window()}`, tempoTagValuesV2Response);
    assert.deepEqual(items.tagValues, [{ type: 'int', value: '3' }]);
    const statuses = await get(`/api/v2/search/tag/status/values?${window()}`, tempoTagValuesV2Response);
    assert.ok(statuses.tagValues.some((value) => value.type === 'keyword' && value.value === 'error'));
    const filtered = await get(`/api/v2/search/tag/span.http.response.status_code/values?q=${encodeURIComponent('{ kind = client }')}&${window()}`, tempoTagValuesV2Response);
    assert.deepEqual(filtered.tagValues, [{ type: 'int', value: '502' }]);
    const unusable = await get(`/api/v2/search/tag/span.http.response.status_code/values?q=${encodeURIComponent('{ kind = }')}&${window()}`, tempoTagValuesV2Response);
    assert.deepEqual(unusable.tagValues.map((v) => v.value).sort(), ['201', '502'], 'a q that does not parse is ignored, as Tempo ignores it');
  });

  test('TraceQL metrics: typed labels, samples with string ms timestamps that add up to the spans sent', async () => {
    const start = Math.floor(sent.startMs / 1000) - 60;
    const end = start + 180;
    const answer = await get(`/api/metrics/query_range?q=${encodeURIComponent('{ } | count_over_time() by (resource.service.name)')}&start=${start}&end=${end}&step=60`, tempoQueryRangeResponse);
    assert.equal(answer.series.length, 1);
    assert.deepEqual(answer.series[0]!.labels, [{ key: 'resource.service.name', value: { stringValue: 'checkout-orchestrator' } }]);
    const samples = answer.series[0]!.samples;
    assert.ok(samples.every((sample) => (Number(sample.timestampMs) - start * 1000) % 60_000 === 0));
    assert.equal(samples.reduce((sum, sample) => sum + (sample.value ?? 0), 0), 4, 'two traces of two spans');
    const nanos = await get(`/api/metrics/query_range?q=${encodeURIComponent('{ status = error } | count_over_time()')}&start=${BigInt(start) * 1_000_000_000n}&end=${BigInt(end) * 1_000_000_000n}&step=3m`, tempoQueryRangeResponse);
    assert.equal(nanos.series[0]!.samples.reduce((sum, sample) => sum + (sample.value ?? 0), 0), 2);
  });
});
