import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { createSocket } from 'node:dgram';
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { gunzipSync, gzipSync } from 'node:zlib';
import { ExportResultCode } from '@opentelemetry/core';
import { OTLPTraceExporter } from '@opentelemetry/exporter-trace-otlp-proto';
import { BasicTracerProvider } from '@opentelemetry/sdk-trace-base';
import type { ReadableSpan } from '@opentelemetry/sdk-trace-base';
import { makeSpan, nanos } from '@stitch/model';
import { spansToOtlpJson } from '@stitch/wire';
import { LinkRegistry } from '@stitch/central';
import { startTestCentral, type TestCentral } from '@stitch/test-support/central';
import { mountSmallDisk } from '@stitch/test-support/small-disk';
import { startAgent, type PipelineAgent } from './agent.ts';
import { QUARANTINE_DIR } from './spool.ts';

const ACCOUNT = { id: '444444444444', name: 'payments' };

async function linkedTo(spoolDir: string, logs: string[]): Promise<{ central: TestCentral; agent: PipelineAgent; stop(): Promise<void> }> {
  const registry = await LinkRegistry.open(null);
  const central = await startTestCentral({ links: registry });
  const sink = await registry.createSink({ name: 'observability', allowedAccounts: ['*'], types: ['traces'] });
  const { token } = await registry.createLink(sink.id, { accountId: ACCOUNT.id, accountName: ACCOUNT.name, types: ['traces'], labelTemplate: '$AccountName' });
  const agent = await startAgent({ account: ACCOUNT, sinkUrl: central.url, token, port: 0, udpPort: 0, samplingPort: 0, spoolDir, segmentFlushMs: 20, log: (line) => logs.push(line) });
  return { central, agent, stop: async () => (await agent.close(), await central.stop()) };
}

const traceIdOf = (n: number) => (0xd15c0000 + n).toString(16).padStart(32, '0');
const otlpBody = (n: number, spans = 3) =>
  JSON.stringify(
    spansToOtlpJson(
      Array.from({ length: spans }, (_, i) =>
        makeSpan({ traceId: traceIdOf(n), spanId: (n * 100 + i + 1).toString(16).padStart(16, '0'), name: `step ${i}`, startTimeUnixNano: nanos(1_764_000_000_000_000_000n), endTimeUnixNano: nanos(1_764_000_000_001_000_000n) }),
      ),
    ),
  );
const postJson = (agent: PipelineAgent, body: string) => fetch(`${agent.otlpUrl}/v1/traces`, { method: 'POST', headers: { 'content-type': 'application/json' }, body });

async function idle(agent: PipelineAgent): Promise<void> {
  const deadline = Date.now() + 20_000;
  while (!(await agent.forwarder.whenIdle())) assert.ok(Date.now() < deadline, `${agent.forwarder.waitingBatches} batches still spooled after 20 s`);
}

/** Every spool file left is whole (its gzip reads to the end), and none is a half-written temporary. */
function assertSpoolWhole(dir: string): void {
  for (const file of readdirSync(dir)) {
    assert.ok(!file.endsWith('.tmp'), `a temporary file was left behind: ${file}`);
    if (file.endsWith('.gz')) assert.doesNotThrow(() => gunzipSync(readFileSync(join(dir, file))), `${file} is whole`);
  }
}

async function spansOf(central: TestCentral, traceId: string): Promise<number> {
  const answer = await fetch(`${central.url}/api/traces/${traceId}`);
  return answer.status === 200 ? ((await answer.json()) as { spans: unknown[] }).spans.length : 0;
}

test('a full spool disk: the agent answers 503 with Retry-After and leaves no partial file; once space is back the exporter\'s retry is accepted and everything acknowledged reaches central exactly once', { timeout: 120_000 }, async (t) => {
  const disk = mountSmallDisk(t, 1024);
  if (!disk) return;
  const logs: string[] = [];
  const linked = await linkedTo(disk.dir, logs);
  t.after(() => linked.stop());
  const { agent, central } = linked;

  assert.equal((await postJson(agent, otlpBody(1))).status, 200);
  await idle(agent);
  disk.fill();

  // OTLP/JSON and protobuf, PutTraceSegments: each a 503 the sender retries, none a 500 it would drop.
  const refused = await postJson(agent, otlpBody(2));
  assert.equal(refused.status, 503);
  assert.equal(refused.headers.get('retry-after'), '2');
  assert.match(((await refused.json()) as { message: string }).message, /^spool: the agent cannot store the batch now \(ENOSPC\); retry in 2 s$/);
  const protobuf = await fetch(`${agent.otlpUrl}/v1/traces`, { method: 'POST', headers: { 'content-type': 'application/x-protobuf' }, body: new Uint8Array(0) });
  assert.equal(protobuf.status, 503, 'an empty protobuf request is spooled like any other');
  const segment = { trace_id: '1-5f84c7a1-d15c0000d15c0000d15c0003', id: 'd15c0000000000a1', name: 'inventory', start_time: 1_764_000_000, end_time: 1_764_000_000.25 };
  const segments = await fetch(`${agent.otlpUrl}/TraceSegments`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ TraceSegmentDocuments: [JSON.stringify(segment)] }) });
  assert.equal(segments.status, 503);
  assert.equal(segments.headers.get('retry-after'), '2');
  // A UDP segment has no sender to retry it: the agent keeps it until it can spool it.
  const udpSegment = { ...segment, trace_id: '1-5f84c7a1-d15c0000d15c0000d15c0004', id: 'd15c0000000000a2' };
  const socket = createSocket('udp4');
  await new Promise<void>((resolve) => socket.send(`{"format":"json","version":1}\n${JSON.stringify(udpSegment)}`, agent.udpPort, '127.0.0.1', () => resolve()));
  socket.close();

  // The stock exporter: its first attempt is refused while the disk is full, its retry is accepted.
  const exporter = new OTLPTraceExporter({ url: `${agent.otlpUrl}/v1/traces`, timeoutMillis: 30_000 });
  const provider = new BasicTracerProvider();
  const span = provider.getTracer('full-disk').startSpan('exported while the disk was full');
  span.end();
  const refusalsBefore = logs.filter((line) => line.includes('answering 503')).length;
  const exported = new Promise<number>((resolve) => exporter.export([span as unknown as ReadableSpan], (result) => resolve(result.code)));
  const deadline = Date.now() + 10_000;
  while (logs.filter((line) => line.includes('answering 503')).length === refusalsBefore) {
    assert.ok(Date.now() < deadline, 'the exporter\'s first attempt reached the agent');
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
  assertSpoolWhole(disk.dir);
  assert.deepEqual(readdirSync(disk.dir).filter((file) => file !== '.filler' && file !== 'logs'), [], 'nothing spooled: the refused batches left nothing behind');

  disk.free();
  assert.equal(await exported, ExportResultCode.SUCCESS, 'the exporter\'s retry was accepted');
  assert.equal((await postJson(agent, otlpBody(2))).status, 200, 'the retried request is accepted');
  assert.equal((await fetch(`${agent.otlpUrl}/TraceSegments`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ TraceSegmentDocuments: [JSON.stringify(segment)] }) })).status, 200);
  await new Promise((resolve) => setTimeout(resolve, 2_500)); // the UDP segment's next try (Retry-After: 2 s)
  await idle(agent);
  await exporter.shutdown();

  assert.equal(agent.forwarder.refusedBatches, 0, 'central refused nothing the agent sent');
  assert.deepEqual(
    [await spansOf(central, traceIdOf(1)), await spansOf(central, traceIdOf(2)), await spansOf(central, '5f84c7a1d15c0000d15c0000d15c0003'), await spansOf(central, '5f84c7a1d15c0000d15c0000d15c0004'), await spansOf(central, span.spanContext().traceId)],
    [3, 3, 1, 1, 1],
    'every acknowledged span stored once: the batches before and after, the PutTraceSegments retry, the UDP segment kept through the outage, the exporter\'s span',
  );
});

test('a restarted agent deletes half-written files and quarantines a torn batch: never sent', { timeout: 60_000 }, async (t) => {
  const dir = mkdtempSync('/tmp/stitch-torn-spool-');
  t.after(() => rmSync(dir, { recursive: true, force: true }));
  const spoolFile = (n: number, body: Buffer) => `${String(Date.now()).padStart(15, '0')}-${String(n).padStart(9, '0')}-${createHash('sha256').update(body).digest('hex').slice(0, 32)}.json.gz`;
  const whole = gzipSync(otlpBody(10));
  writeFileSync(join(dir, spoolFile(1, whole)), whole);
  // What a full disk used to leave: the name of the whole batch over its first bytes.
  const complete = gzipSync(otlpBody(11));
  const torn = spoolFile(2, complete);
  writeFileSync(join(dir, torn), complete.subarray(0, complete.length >> 1));
  writeFileSync(join(dir, `${spoolFile(3, whole)}.tmp`), whole.subarray(0, 10));

  const logs: string[] = [];
  const { central, agent, stop } = await linkedTo(dir, logs);
  t.after(stop);
  await idle(agent);

  assert.equal(await spansOf(central, traceIdOf(10)), 3, 'the whole batch is delivered');
  assert.equal(await spansOf(central, traceIdOf(11)), 0, 'the torn batch is not');
  assert.equal(agent.forwarder.refusedBatches, 0, 'central was never sent the torn batch (it would refuse it: not valid gzip)');
  assert.equal(agent.forwarder.quarantinedBatches, 1);
  assert.ok(existsSync(join(dir, QUARANTINE_DIR, torn)), 'the torn batch is kept aside for the operator');
  assert.deepEqual(readdirSync(dir).filter((file) => file.endsWith('.gz') || file.endsWith('.tmp')), [], 'the half-written file is deleted, the spool empty');
  assert.ok(logs.some((line) => line.includes(torn) && /do not match the hash in its name/.test(line) && line.includes('not sent')), logs.join('\n'));
});
