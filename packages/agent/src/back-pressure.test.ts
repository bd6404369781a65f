import { test } from 'node:test';
import assert from 'node:assert/strict';
import { makeSpan, nanos } from '@stitch/model';
import type { CentralStore, TraceStore } from '@stitch/store';
import { openDuckDbStore } from '@stitch/store-duckdb';
import { spansToOtlpJson } from '@stitch/wire';
import { LinkRegistry } from '@stitch/central';
import { startTestCentral } from '@stitch/test-support/central';
import { startAgent } from './agent.ts';

const BATCHES = 40;
const SPANS_PER_BATCH = 200;
/** Per span written: a 200-span batch takes 0.3 s more, so central stores ~650 spans a second. */
const WRITE_DELAY_MS_PER_SPAN = 1.5;

/** A real DuckDB store whose writes take longer in proportion to their spans: a store slower than its input. */
async function slowStore(): Promise<CentralStore> {
  const store = await openDuckDbStore({ path: ':memory:' });
  return new Proxy(store, {
    get(target, property) {
      if (property === 'writeBatch') {
        return async (...args: Parameters<TraceStore['writeBatch']>) => {
          await new Promise((resolve) => setTimeout(resolve, args[0].length * WRITE_DELAY_MS_PER_SPAN));
          return target.writeBatch(...args);
        };
      }
      const value = Reflect.get(target, property) as unknown;
      return typeof value === 'function' ? value.bind(target) : value;
    },
  });
}

test('central slower than the input: it answers 503 with Retry-After, the agent holds back and spools, and every accepted span arrives once', { timeout: 60_000 }, async () => {
  const store = await slowStore();
  const registry = await LinkRegistry.open(null);
  const central = await startTestCentral({ store, links: registry, maxPendingSpans: SPANS_PER_BATCH / 2 });
  const sink = await registry.createSink({ name: 'observability', allowedAccounts: ['*'], types: ['traces'] });
  const { token } = await registry.createLink(sink.id, { accountId: '444444444444', accountName: 'payments', types: ['traces'], labelTemplate: '$AccountName', requestsPerSecond: 10_000 });
  const logs: Array<{ atMs: number; line: string }> = [];
  const agent = await startAgent({ account: { id: '444444444444', name: 'payments' }, sinkUrl: central.url, token, port: 0, udpPort: 0, samplingPort: 0, log: (line) => logs.push({ atMs: Date.now(), line }) });
  try {
    const startNs = BigInt(Date.now()) * 1_000_000n;
    const traceOf = (batch: number) => (0xbac00000 + batch).toString(16).padStart(32, '0');
    const startedMs = Date.now();
    let peakSpooled = 0;
    for (let batch = 0; batch < BATCHES; batch++) {
      const spans = Array.from({ length: SPANS_PER_BATCH }, (_, i) =>
        makeSpan({ traceId: traceOf(batch), spanId: (batch * SPANS_PER_BATCH + i + 1).toString(16).padStart(16, '0'), startTimeUnixNano: nanos(startNs), endTimeUnixNano: nanos(startNs + 1_000_000n) }),
      );
      const answer = await fetch(`${agent.otlpUrl}/v1/traces`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(spansToOtlpJson(spans)) });
      assert.equal(answer.status, 200, 'the agent keeps accepting: its spool absorbs what central cannot take yet');
      peakSpooled = Math.max(peakSpooled, agent.forwarder.waitingBatches);
    }
    const deadline = Date.now() + 45_000;
    while (agent.forwarder.waitingBatches > 0 && Date.now() < deadline) await new Promise((resolve) => setTimeout(resolve, 100));
    const elapsedS = (Date.now() - startedMs) / 1000;

    const refusals = logs.filter((entry) => /central answered 503 \(retry after 1 s\)/.test(entry.line));
    assert.ok(refusals.length > 0, `central pushed back: ${logs.slice(0, 5).map((e) => e.line).join(' / ')}`);
    assert.ok(peakSpooled >= 10, `the agent spooled while central was busy (peak ${peakSpooled} batches)`);
    // Honouring Retry-After (1 s), the agent sends nothing for a second after a refusal: refusals
    // come in bursts (the sends already in flight) at least that far apart.
    const bursts = refusals.filter((entry, i) => i === 0 || entry.atMs - refusals[i - 1]!.atMs > 100).map((entry) => entry.atMs);
    const gaps = bursts.slice(1).map((at, i) => at - bursts[i]!);
    assert.ok(gaps.every((gap) => gap >= 950), `gaps between refusals (ms): ${gaps.join(', ')}; ${refusals.length} refusals in ${elapsedS.toFixed(1)} s`);
    assert.equal(agent.forwarder.waitingBatches, 0, 'everything delivered in the end');
    for (let batch = 0; batch < BATCHES; batch++) {
      const spans = await store.getTrace(traceOf(batch));
      assert.equal(spans.length, SPANS_PER_BATCH, `batch ${batch}: every span, once`);
    }
  } finally {
    await agent.close();
    await central.stop();
  }
});
