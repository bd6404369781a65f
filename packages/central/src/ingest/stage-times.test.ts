import { test } from 'node:test';
import assert from 'node:assert/strict';
import { gzipSync } from 'node:zlib';
import type { IngestStagesJson } from '@stitch/api';
import { startTestCentral } from '@stitch/test-support/central';

const body = (traceId: string, spans: number) =>
  JSON.stringify({
    resourceSpans: [
      {
        resource: { attributes: [{ key: 'service.name', value: { stringValue: 'shop' } }] },
        scopeSpans: [{ spans: Array.from({ length: spans }, (_, i) => ({ traceId, spanId: (i + 1).toString(16).padStart(16, '0'), name: 'GET /x', kind: 2, startTimeUnixNano: '1764000000000000000', endTimeUnixNano: '1764000000001000000' })) }],
      },
    ],
  });

test('GET /api/ingest/stages: every stage of a stored request is timed once per request or per write, in pipeline order, with the requests and spans', { timeout: 120_000 }, async (t) => {
  const central = await startTestCentral(); // DuckDB: the append and the commit apart
  t.after(() => central.stop());
  const post = (traceId: string, spans: number, key: string) =>
    fetch(`${central.url}/v1/traces`, { method: 'POST', headers: { 'content-type': 'application/json', 'content-encoding': 'gzip', 'idempotency-key': key }, body: gzipSync(body(traceId, spans)) });
  assert.equal((await post('a'.repeat(32), 3, 'k1')).status, 200);
  assert.equal((await post('b'.repeat(32), 2, 'k2')).status, 200);
  assert.equal((await fetch(`${central.url}/v1/traces`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{' })).status, 400);
  await central.flushMetrics();

  const stages = (await (await fetch(`${central.url}/api/ingest/stages`)).json()) as IngestStagesJson;
  assert.deepEqual(stages.requests, { stored: 2, shed: 0, refused: 1 });
  assert.equal(stages.spans, 5);
  const calls = Object.fromEntries(stages.stages.map((s) => [s.stage, s.calls]));
  // The bad body was read and decoded too; the stored requests were written one at a time.
  assert.deepEqual(
    { read: calls['read-body'], decompress: calls['decompress'], decode: calls['decode'], checks: calls['checks'], limits: calls['trace-limits'], dedup: calls['dedup'], wait: calls['queue-wait'], append: calls['store-append'], commit: calls['commit'] },
    { read: 3, decompress: 3, decode: 3, checks: 2, limits: 2, dedup: 2, wait: 2, append: 2, commit: 2 },
  );
  assert.deepEqual(
    stages.stages.slice(0, 9).map((s) => s.stage),
    ['read-body', 'decompress', 'decode', 'checks', 'trace-limits', 'dedup', 'queue-wait', 'store-append', 'commit'],
  );
  for (const processor of ['service-map', 'span-metrics', 'usage']) assert.equal(calls[`derive:${processor}`], 2, processor);
  assert.ok(calls['derive-commit']! >= 1);
  for (const stage of stages.stages) assert.ok(stage.micros >= 0 && Number.isInteger(stage.micros), `${stage.stage}: whole microseconds`);
  assert.ok(stages.stages.find((s) => s.stage === 'decode')!.micros > 0, 'decoding takes time');
});
