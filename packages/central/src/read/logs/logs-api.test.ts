import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { gzipSync } from 'node:zlib';
import { makeSpan, nanos, seededRandom, type LogRecord, type Span } from '@stitch/model';
import { logsToOtlpJson, spansToOtlpJson } from '@stitch/wire';
import { LinkRegistry } from '../../access/links/link-registry.ts';
import { startTestCentral, type TestCentral } from '@stitch/test-support/central';
import { exportSampleLogs } from '@stitch/test-support/exporters';

const ADMIN = 'admin-token-logs-0123456789';
const READER = 'read-token-logs-0123456789';
const PAYMENTS = '444444444444';
const EDGE = '111111111111';

describe('logs on central: OTLP in, logs of a trace, logs of slow requests', () => {
  let central: TestCentral;
  const tokens = { payments: '', tracesOnly: '' };

  const call = async (method: string, path: string, token: string | undefined, body?: string | Buffer, headers: Record<string, string> = {}) => {
    const response = await fetch(`${central.url}${path}`, {
      method,
      headers: { 'content-type': 'application/json', ...(token ? { authorization: `Bearer ${token}` } : {}), ...headers },
      body: typeof body === 'string' || body === undefined ? body : new Uint8Array(body),
    });
    const text = await response.text();
    return { status: response.status, text, body: (response.headers.get('content-type')?.startsWith('application/json') ? JSON.parse(text) : {}) as Record<string, any> };
  };
  const postLogs = (records: LogRecord[], token = tokens.payments, headers: Record<string, string> = {}) => call('POST', '/v1/logs', token, JSON.stringify(logsToOtlpJson(records)), headers);
  const postSpans = (spans: Span[]) => call('POST', '/v1/traces', tokens.payments, JSON.stringify(spansToOtlpJson(spans)));
  const logsOf = async (query: string) => {
    const answer = await call('GET', `/api/logs?${query}`, READER);
    assert.equal(answer.status, 200, answer.text);
    return answer.body.logs as Array<Record<string, any>>;
  };

  before(async () => {
    central = await startTestCentral({ adminToken: ADMIN, readToken: READER, links: await LinkRegistry.open(null), maxSpansPerRequest: 100, maxBodyBytes: 256 * 1024 });
    const sink = (await call('POST', '/api/sinks', ADMIN, JSON.stringify({ name: 'obs', allowedAccounts: ['*'], types: ['traces', 'logs'] }))).body.sink;
    const link = async (accountId: string, types: string[]) =>
      (await call('POST', `/api/sinks/${sink.id}/links`, ADMIN, JSON.stringify({ accountId, accountName: accountId === PAYMENTS ? 'payments' : 'edge', types }))).body.token as string;
    tokens.payments = await link(PAYMENTS, ['traces', 'logs']);
    tokens.tracesOnly = await link(EDGE, ['traces']);
  });
  after(() => central.stop());

  for (const kind of ['json', 'protobuf'] as const) {
    test(`the stock OpenTelemetry logs exporter (${kind}) is answered 200; its lines are the trace's, under the link's account`, async () => {
      const traceId = (kind === 'json' ? 'a1' : 'b2').repeat(16);
      await exportSampleLogs(central.url, kind, traceId, { authorization: `Bearer ${tokens.payments}` });
      const lines = await logsOf(`traceId=${traceId.toUpperCase()}`);
      assert.deepEqual(
        lines.map((l) => [l.body, l.severityNumber, l.severityText, l.spanId, l.serviceName, l.account.id, l.account.label]),
        [
          [`calling Stripe (${kind})`, 9, 'INFO', 'b7ad6b7169203331', 'payments', PAYMENTS, 'payments'],
          [`Stripe timed out after 8 s (${kind})`, 17, 'ERROR', 'b7ad6b7169203331', 'payments', PAYMENTS, 'payments'],
        ],
      );

      assert.deepEqual(lines[0]!.attributes, { attempt: 1 });
      const untraced = await logsOf(`text=${encodeURIComponent(`pool exhausted (${kind})`)}`);
      assert.deepEqual(untraced.map((l) => [l.traceId, l.severityText]), [['', 'WARN']]);
    });
  }

  test("a link's credential decides who may send logs: without 'logs' 403, unknown 401, none 401; reading with a link token 403", async () => {
    const record = logRecord({ body: 'who am i', timeUnixNano: nanos(BigInt(Date.now()) * 1_000_000n) });
    const refusals = [await postLogs([record], tokens.tracesOnly), await postLogs([record], 'stl_unknown'), await postLogs([record], '')];
    assert.deepEqual(refusals.map((r) => r.status), [403, 401, 401]);
    for (const refusal of refusals) assert.match(refusal.body.message, /^authorization: /);
    assert.match(refusals[0]!.body.message, /does not share logs/);
    assert.equal((await call('GET', '/api/logs', tokens.payments)).status, 403);
    assert.deepEqual(await logsOf('text=who+am+i'), []);
  });

  test('garbage, oversized and hostile input gets 400, 405, 413 or 415 naming the field, and central keeps serving', async () => {
    const expectRefusal = async (answer: { status: number; body: Record<string, any>; text: string }, status: number, field: RegExp) => {
      assert.equal(answer.status, status, answer.text);
      assert.match(answer.body.message ?? answer.body.error ?? answer.text, field);
    };
    const time = String(BigInt(Date.now()) * 1_000_000n);
    const many = { resourceLogs: [{ scopeLogs: [{ logRecords: Array.from({ length: 101 }, () => ({ timeUnixNano: time })) }] }] };
    await expectRefusal(await call('POST', '/v1/logs', tokens.payments, 'not json'), 400, /^JSON: /);
    await expectRefusal(await call('POST', '/v1/logs', tokens.payments, '{"resourceLogs":[{"scopeLogs":[{"logRecords":[{"severityText":7}]}]}]}'), 400, /^resourceLogs\[0\]\.scopeLogs\[0\]\.logRecords\[0\]\.severityText: /);
    await expectRefusal(await call('POST', '/v1/logs', tokens.payments, '{"resourceLogs":[{"scopeLogs":[{"logRecords":[{"traceId":"zz","timeUnixNano":"1"}]}]}]}'), 400, /traceId: /);
    await expectRefusal(await call('POST', '/v1/logs', tokens.payments, JSON.stringify(many)), 413, /^logRecords: 101 log records/);
    await expectRefusal(await call('POST', '/v1/logs', tokens.payments, Buffer.alloc(300 * 1024, 32)), 413, /^request body/);
    await expectRefusal(await call('POST', '/v1/logs', tokens.payments, gzipSync(Buffer.alloc(1024 * 1024, 32)), { 'content-encoding': 'gzip' }), 413, /^decompressed request body/);
    await expectRefusal(await call('POST', '/v1/logs', tokens.payments, '{}', { 'content-type': 'text/plain' }), 415, /^content-type: /);
    await expectRefusal(await call('POST', '/v1/logs', tokens.payments, '{}', { 'idempotency-key': 'a b' }), 400, /^idempotency-key: /);
    await expectRefusal(await call('POST', '/v1/logs', tokens.payments, Buffer.from([0x0a, 0xff, 0xff, 0xff, 0xff, 0x0f]), { 'content-type': 'application/x-protobuf' }), 400, /protobuf: not a valid ExportLogsServiceRequest/);
    await expectRefusal(await call('PUT', '/v1/logs', ADMIN, '{}'), 405, /^method: /);
    for (const [query, field] of [
      ['traceId=xyz', /^traceId: /],
      ['severity=loud', /^severity: /],
      ['limit=0', /^limit: /],
      ['q=duration+%3E%3E+2', /^q: column/],
      ['text=' + 'x'.repeat(300), /^text: /],
      ['start=yesterday', /^start: /],
      ['colour=red', /^colour: unknown parameter/],
    ] as const) {
      await expectRefusal(await call('GET', `/api/logs?${query}`, READER), 400, field);
    }
    // Hostile text is a literal: nothing matches, nothing breaks.
    assert.deepEqual(await logsOf(`text=${encodeURIComponent("' OR 1=1; DROP TABLE logs; --")}&service=${encodeURIComponent("x' OR '1'='1")}`), []);
    assert.equal((await call('GET', '/api/health', undefined)).status, 200);
    assert.ok((await logsOf('traceId=' + 'a1'.repeat(16))).length > 0, 'the stored logs are still there');
  });

  test('a retried delivery (same Idempotency-Key) is stored once', async () => {
    const record = logRecord({ body: 'delivered once', timeUnixNano: nanos(BigInt(Date.now()) * 1_000_000n) });
    for (let i = 0; i < 3; i++) assert.equal((await postLogs([record], tokens.payments, { 'idempotency-key': 'batch-7' })).status, 200);
    assert.equal((await logsOf('text=delivered+once')).length, 1);
  });

  test('"logs of requests slower than 2 s in the last hour": exactly the logs of those traces, each with its trace summary', async () => {
    const random = seededRandom(2026);
    const nowMs = Date.now();
    const spans: Span[] = [];
    const records: LogRecord[] = [];
    const traces: Array<{ traceId: string; startMs: number; durationMs: number; error: boolean }> = [];
    for (let i = 0; i < 80; i++) {
      // Ages of 1–55 min (inside the hour) or 65–100 min (before it); durations 0.1–5 s.
      const ageMs = random() < 0.75 ? 60_000 + random() * 54 * 60_000 : 65 * 60_000 + random() * 35 * 60_000;
      const startMs = Math.round(nowMs - ageMs);
      const durationMs = Math.round(100 + random() * 4_900);
      const traceId = `5f84c7a1${i.toString(16).padStart(24, '7')}`;
      const error = random() < 0.2;
      traces.push({ traceId, startMs, durationMs, error });
      const at = (ms: number) => nanos(BigInt(ms) * 1_000_000n);
      spans.push(makeSpan({ traceId, spanId: `${i.toString(16).padStart(8, '0')}00000001`, name: 'POST /checkout', kind: 'server', startTimeUnixNano: at(startMs), endTimeUnixNano: at(startMs + durationMs), status: { code: error ? 'error' : 'ok', message: '' } }));
      for (let n = 0, lines = 1 + Math.floor(random() * 4); n < lines; n++) {
        records.push(logRecord({ traceId, spanId: `${i.toString(16).padStart(8, '0')}00000001`, timeUnixNano: at(startMs + Math.floor((durationMs * (n + 0.5)) / lines)), severityNumber: [9, 13, 17][Math.floor(random() * 3)]!, body: `trace ${i} line ${n}` }));
      }
    }
    // Lines of no trace, and of an unknown one, in the same hour.
    records.push(logRecord({ body: 'no trace', timeUnixNano: nanos(BigInt(nowMs - 5_000) * 1_000_000n) }));
    records.push(logRecord({ body: 'unknown trace', traceId: 'f'.repeat(32), timeUnixNano: nanos(BigInt(nowMs - 5_000) * 1_000_000n) }));
    for (let from = 0; from < spans.length; from += 50) assert.equal((await postSpans(spans.slice(from, from + 50))).status, 200);
    for (let from = 0; from < records.length; from += 90) assert.equal((await postLogs(records.slice(from, from + 90))).status, 200);

    // Computed here from the generated data, apart from any store or SQL.
    const slow = new Map(traces.filter((t) => t.startMs >= nowMs - 3_600_000 + 30_000 && t.durationMs > 2_000).map((t) => [t.traceId, t]));
    const expected = records.filter((r) => slow.has(r.traceId));
    assert.ok(slow.size >= 15 && expected.length >= 30, `the data should hold enough slow traces (${slow.size})`);

    const answer = await call('GET', `/api/logs?q=${encodeURIComponent('duration > 2')}&limit=1000`, READER);
    assert.equal(answer.status, 200, answer.text);
    const found = answer.body.logs as Array<Record<string, any>>;
    assert.deepEqual(found.map((l) => l.body).sort(), expected.map((r) => r.body).sort());
    assert.deepEqual(answer.body.traces, { matched: slow.size, limit: 1000, complete: true });
    for (const line of found) {
      const trace = slow.get(line.traceId)!;
      assert.equal(line.trace.durationMs, trace.durationMs);
      // One span each: its trace's status is that span's outcome, and it is the one error inside.
      assert.equal(line.trace.status, trace.error ? 'fault' : 'ok');
      assert.equal(line.trace.errorSpanCount, trace.error ? 1 : 0);
      assert.equal(line.trace.rootServiceName, 'checkout-orchestrator');
    }
    const times = found.map((l) => BigInt(l.timeUnixNano));
    assert.deepEqual(times, [...times].sort((a, b) => (a > b ? -1 : a < b ? 1 : 0)), 'newest first');

    const one = traces[0]!;
    const byXRayId = await logsOf(`traceId=1-${one.traceId.slice(0, 8)}-${one.traceId.slice(8).toUpperCase()}`);
    assert.deepEqual(byXRayId.map((l) => l.body).sort(), records.filter((r) => r.traceId === one.traceId).map((r) => r.body).sort(), 'the X-Ray form of the id names the same trace');

    // Narrowed to warnings and worse, and to the failed requests among them.
    const warnings = await logsOf(`q=${encodeURIComponent('duration > 2 AND fault')}&severity=warn&limit=1000`);
    const expectedWarnings = expected.filter((r) => r.severityNumber >= 13 && slow.get(r.traceId)!.error);
    assert.deepEqual(warnings.map((l) => l.body).sort(), expectedWarnings.map((r) => r.body).sort());
    // The join reports when it could not take every matching trace.
    const capped = await call('GET', `/api/logs?q=${encodeURIComponent('duration > 2')}&traces=5`, READER);
    assert.deepEqual(capped.body.traces, { matched: 5, limit: 5, complete: false });
  });
});

function logRecord(more: Partial<LogRecord>): LogRecord {
  return {
    timeUnixNano: nanos(0n),
    severityNumber: 9,
    severityText: 'INFO',
    body: '',
    traceId: '',
    spanId: '',
    serviceName: 'checkout-orchestrator',
    attributes: {},
    account: { id: 'ignored', label: 'ignored' },
    ...more,
  };
}
