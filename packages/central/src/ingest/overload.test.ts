import { test } from 'node:test';
import assert from 'node:assert/strict';
import { setTimeout as sleep } from 'node:timers/promises';
import type { IngestStagesJson } from '@stitch/api';
import type { SpanBatch } from '@stitch/model';
import { InMemoryStore } from '@stitch/store';
import { startTestCentral } from '@stitch/test-support/central';

/** Spans the slow store stores per second: one write at a time, each taking its spans' share of a second. */
const CAPACITY = 2_000;
const SPANS_PER_REQUEST = 50;
/** Four times what the store takes. */
const OFFERED_PER_SECOND = 4 * CAPACITY;
const SECONDS = 4;

/**
 * The in-memory store, slowed to about CAPACITY spans/s (writes one after another, as one disk
 * would take them). A loaded machine wakes its timers late: what it really took is measured.
 */
class SlowStore extends InMemoryStore {
  private last: Promise<unknown> = Promise.resolve();
  /** Time spent writing, and the first write's start and the last one's end (ms). */
  busyMs = 0;
  firstStartMs: number | null = null;
  lastEndMs = 0;
  override writeBatch(...args: Parameters<InMemoryStore['writeBatch']>): Promise<SpanBatch> {
    const write = this.last.then(async () => {
      const startMs = performance.now();
      this.firstStartMs ??= startMs;
      await sleep((args[0].length / CAPACITY) * 1_000);
      const stored = await super.writeBatch(...args);
      this.lastEndMs = performance.now();
      this.busyMs += this.lastEndMs - startMs;
      return stored;
    });
    this.last = write.catch(() => {});
    return write;
  }
}

let traces = 0;
/** One request of SPANS_PER_REQUEST spans, all of a new trace. */
function requestBody(): string {
  const traceId = (++traces).toString(16).padStart(32, 'e');
  const spans = Array.from({ length: SPANS_PER_REQUEST }, (_, i) => ({
    traceId,
    spanId: (i + 1).toString(16).padStart(16, '0'),
    name: 'GET /x',
    kind: 2,
    startTimeUnixNano: '1764000000000000000',
    endTimeUnixNano: '1764000000001000000',
  }));
  return JSON.stringify({ resourceSpans: [{ resource: { attributes: [{ key: 'service.name', value: { stringValue: 'shop' } }] }, scopeSpans: [{ spans }] }] });
}

test('offered four times what the store takes, central sheds before decoding, stores every span it acknowledged, and keeps acknowledging at about the store\'s rate', { timeout: 120_000 }, async (t) => {
  const store = new SlowStore();
  const central = await startTestCentral({ store });
  t.after(() => central.stop());
  const answers: Array<Promise<{ status: number; retryAfter: string | null; message: string | null }>> = [];
  const started = performance.now();
  // Open loop: requests start on a schedule whatever the answers, as many independent senders would.
  const perTick = (OFFERED_PER_SECOND / SPANS_PER_REQUEST) / 50;
  for (let tick = 0; tick < SECONDS * 50; tick++) {
    for (let i = 0; i < perTick; i++) {
      const body = requestBody();
      answers.push(
        fetch(`${central.url}/v1/traces`, { method: 'POST', headers: { 'content-type': 'application/json' }, body }).then(async (response) => ({
          status: response.status,
          retryAfter: response.headers.get('retry-after'),
          message: response.status === 200 ? (await response.arrayBuffer(), null) : ((await response.json()) as { message: string }).message,
        })),
      );
    }
    await sleep(Math.max(0, started + (tick + 1) * 20 - performance.now()));
  }
  const settled = await Promise.all(answers);
  const ok = settled.filter((a) => a.status === 200);
  const shed = settled.filter((a) => a.status === 503);
  assert.equal(ok.length + shed.length, settled.length, `every answer a 200 or a 503: ${JSON.stringify(settled.find((a) => a.status !== 200 && a.status !== 503))}`);
  assert.ok(shed.length > 0, 'some requests were shed');
  for (const answer of shed) {
    assert.match(answer.message ?? '', /^ingest: over capacity, shed before reading/);
    assert.ok(answer.retryAfter === '1' || answer.retryAfter === '2', `Retry-After 1 or 2 s, got ${answer.retryAfter}`);
  }

  // Every acknowledged span is stored (and nothing else was).
  const ackedSpans = ok.length * SPANS_PER_REQUEST;
  assert.equal((await store.stats()).spanCount, ackedSpans);

  // Shed requests were never decoded: the decode stage ran once per admitted request.
  const stages = (await (await fetch(`${central.url}/api/ingest/stages`)).json()) as IngestStagesJson;
  const calls = (stage: string) => stages.stages.find((s) => s.stage === stage)?.calls ?? 0;
  assert.deepEqual(stages.requests, { stored: ok.length, shed: shed.length, refused: 0 });
  assert.equal(calls('decode'), ok.length, 'decoded: the admitted requests only');
  assert.equal(stages.spans, ackedSpans);

  // The store was kept busy from its first write to its last: acknowledged at its capacity (what
  // it stores per second of its own time), within 30 % (86-89 % measured here, under load), rather than idling between requests or
  // collapsing under requests decoded only to be refused.
  const windowMs = store.lastEndMs - store.firstStartMs!;
  const capacity = ackedSpans / (store.busyMs / 1_000);
  const ackedPerSecond = ackedSpans / (windowMs / 1_000);
  assert.ok(ackedPerSecond >= 0.7 * capacity, `acknowledged ${Math.round(ackedPerSecond)} spans/s while the store takes ${Math.round(capacity)}`);
});
