import { test } from 'node:test';
import assert from 'node:assert/strict';
import { makeSpan, nanos } from '@stitch/model';
import { spansToOtlpJson } from '@stitch/wire';
import { startTestCentral } from '@stitch/test-support/central';

test('tail sampling on central: spans wait for their trace to complete; every failing and slow trace is stored, the rest by their share', async (t) => {
  const central = await startTestCentral({ tailSampling: { keepErrors: true, slowerThan: [{ thresholdMs: 2_000 }], probability: 0, idleMs: 1_500 } });
  t.after(() => central.stop());
  const base = BigInt(Date.now() - 60_000) * 1_000_000n;
  const traceIds: Record<'fault' | 'slow' | 'ok', string[]> = { fault: [], slow: [], ok: [] };
  const stored = async (traceId: string) => (await fetch(`${central.url}/api/traces/${traceId}`)).status === 200;
  // Each trace's two spans come in separate requests, as from two agents.
  for (let i = 0; i < 30; i++) {
    const kind = i % 3 === 0 ? 'fault' : i % 3 === 1 ? 'slow' : 'ok';
    const traceId = (i + 1).toString(16).padStart(32, 'c');
    traceIds[kind].push(traceId);
    const start = base + BigInt(i) * 10_000_000n;
    const end = start + (kind === 'slow' ? 3_000_000_000n : 80_000_000n);
    const root = makeSpan({ traceId, spanId: `${(i + 1).toString(16).padStart(14, '0')}01`, parentSpanId: null, startTimeUnixNano: nanos(start), endTimeUnixNano: nanos(end) });
    const child = makeSpan({
      traceId,
      spanId: `${(i + 1).toString(16).padStart(14, '0')}02`,
      parentSpanId: root.spanId,
      startTimeUnixNano: nanos(start + 1_000_000n),
      endTimeUnixNano: nanos(end - 1_000_000n),
      http: { method: 'POST', route: '/charges', url: null, statusCode: kind === 'fault' ? 503 : 200 },
      attributes: { 'http.response.status_code': kind === 'fault' ? 503 : 200 },
    });
    for (const span of [root, child]) {
      const answer = await fetch(`${central.url}/v1/traces`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(spansToOtlpJson([span])) });
      assert.equal(answer.status, 200);
    }
    if (i === 0) assert.equal(await stored(traceId), false, 'nothing is stored before its trace is complete');
  }
  // Decided once idle, then written: wait until every kept trace can be read.
  const deadline = Date.now() + 15_000;
  const keptIds = [...traceIds.fault, ...traceIds.slow];
  while (Date.now() < deadline) {
    const found = await Promise.all(keptIds.map(stored));
    if (found.every(Boolean)) break;
    await new Promise((resolve) => setTimeout(resolve, 200));
  }
  for (const id of [...traceIds.fault, ...traceIds.slow]) assert.equal(await stored(id), true, `trace ${id} kept`);
  for (const id of traceIds.ok) assert.equal(await stored(id), false, `trace ${id} dropped (probability 0)`);
  const whole = (await (await fetch(`${central.url}/api/traces/${traceIds.fault[0]}`)).json()).spans.length;
  assert.equal(whole, 2, 'kept traces are whole');
  let report = await (await fetch(`${central.url}/api/sampling/tail`)).json();
  while (report.waitingSpans > 0 && Date.now() < deadline) {
    await new Promise((resolve) => setTimeout(resolve, 200));
    report = await (await fetch(`${central.url}/api/sampling/tail`)).json();
  }
  assert.deepEqual(report.counts, { kept: { errors: 10, slow: 10, probabilistic: 0 }, droppedTraces: 10, droppedSpans: 20 });
});
