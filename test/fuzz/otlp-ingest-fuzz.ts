import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import type { CentralStore } from '@stitch/store';
import { startTestCentral, type TestCentral } from '@stitch/test-support/central';
import { fuzzRuns, fuzzSeed, holds, reproduce, share } from './fuzz-run.ts';
import { MAX_HEAP_GROWTH_MIB, settledHeapMiB } from './heap.ts';
import { FuzzClient, inParallel } from './http-client.ts';
import { randomFor } from './mutate.ts';
import { AcknowledgedSpans, acknowledgedBatch, rejectedSpansOf } from './otlp-accounting.ts';
import { decodedBody, encodeForTransport, freshRequest, jsonBody, otlpSeeds, protobufBody, type OtlpFormat, type OtlpSeeds } from './otlp-inputs.ts';

// POST /v1/traces on a real central: every answer is a 200 or a clear 4xx, and every span a 200
// acknowledged is in the store afterwards. Run on each store (otlp-ingest-*.fuzz.test.ts).

const ANSWERS = new Set([200, 400, 413, 415]);
// Many requests in flight: central commits concurrent batches together, so acknowledged ones cost less each.
const IN_FLIGHT = 48;
const WARM_UP = 300;

export function fuzzCentralIngest(storeName: string, openStore: () => Promise<CentralStore>, runs = fuzzRuns()): void {
describe(`fuzzing central POST /v1/traces (${storeName})`, () => {
  const seed = fuzzSeed();
  let store: CentralStore;
  let central: TestCentral;
  let client: FuzzClient;
  let seeds: OtlpSeeds;
  let heapAfterWarmUp = 0;
  const acknowledged = new AcknowledgedSpans();
  const statuses = new Map<number, number>();

  before(async () => {
    store = await openStore();
    central = await startTestCentral({ store });
    client = new FuzzClient(central.url, { connections: IN_FLIGHT });
    seeds = await otlpSeeds();
  });
  after(async () => {
    client.close();
    await central.stop();
  });

  /** Posts input #index of `format`; checks the class of answer and, for a 200, the accounting. */
  async function postOne(surface: string, format: OtlpFormat, index: number): Promise<void> {
    const random = randomFor(seed, index);
    const input = encodeForTransport(random, format === 'protobuf' ? protobufBody(random, seeds) : jsonBody(random, seeds), format);
    const failure = () => reproduce(surface, seed, index, input.body);
    let answer;
    try {
      answer = await client.send({ method: 'POST', path: '/v1/traces', headers: input.headers, body: input.body });
    } catch (error) {
      assert.fail(`no answer (${(error as Error).message}); ${failure()}`);
    }
    statuses.set(answer.status, (statuses.get(answer.status) ?? 0) + 1);
    holds(ANSWERS.has(answer.status), () => `answered ${answer.status}: ${answer.body.toString('utf8').slice(0, 300)}; ${failure()}`);
    if (answer.status !== 200) return;
    const plain = decodedBody(input);
    const sentAs = String(input.headers['content-type']).toLowerCase().includes('json') ? 'json' : 'protobuf';
    const { decoded, checkAgrees } = plain ? acknowledgedBatch(plain, sentAs) : { decoded: null, checkAgrees: false };
    holds(decoded, () => `central acknowledged a body it cannot decode here; ${failure()}`);
    holds(checkAgrees, () => `central acknowledged a body the agent's check would answer differently; ${failure()}`);
    const rejected = rejectedSpansOf(answer);
    holds(rejected === decoded.rejected.length, () => `partialSuccess.rejectedSpans ${rejected}, expected ${decoded.rejected.length}; ${failure()}`);
    acknowledged.add(decoded);
  }

  test('warm-up', async () => {
    await inParallel(WARM_UP, IN_FLIGHT, (i) => postOne('otlp-protobuf', 'protobuf', runs + i));
    await central.flushServiceMap(true);
    heapAfterWarmUp = await settledHeapMiB();
  });

  test(`${runs} protobuf bodies (mutated valid requests, lengths, random bytes, gzip/deflate and their lies): 200/400/413/415 only`, async () => {
    await inParallel(runs, IN_FLIGHT, (i) => postOne('otlp-protobuf', 'protobuf', i));
  });

  test(`${runs} JSON bodies (structure-aware mutations, random text): 200/400/413/415 only`, async () => {
    await inParallel(runs, IN_FLIGHT, (i) => postOne('otlp-json', 'json', runs * 2 + i));
    const accepted = statuses.get(200) ?? 0;
    const refused = statuses.get(400) ?? 0;
    // A run that only ever hits one answer tests little: the mutations must reach both sides.
    assert.ok(accepted > share(runs, 0.05) && refused > share(runs, 0.3), `answers by status: ${JSON.stringify([...statuses])}`);
  });

  test('afterwards: central answers, a fresh request is stored and found, every acknowledged span is in the store', async () => {
    assert.equal((await client.send({ path: '/api/health' })).status, 200);
    const fresh = freshRequest(randomFor(seed, -1));
    const stored = await client.send({ method: 'POST', path: '/v1/traces', headers: { 'content-type': 'application/json' }, body: fresh.json });
    assert.equal(stored.status, 200, stored.body.toString());
    const found = await client.send({ path: `/api/traces/${fresh.traceId}` });
    assert.equal(found.status, 200, found.body.toString());
    assert.deepEqual((JSON.parse(found.body.toString()) as { spans: Array<{ spanId: string }> }).spans.map((s) => s.spanId), [fresh.spanId]);

    // The store started empty: every row is an acknowledged span, or the fresh one.
    const rows = (await store.stats()).spanCount - 1;
    assert.equal(rows, acknowledged.rows, `spans stored vs acknowledged (200 answers: sent minus rejected), seed ${seed}`);
    assert.deepEqual(await acknowledged.missingFrom(store), [], `acknowledged spans missing from the store, seed ${seed}`);
    assert.ok(acknowledged.uniqueSpans > share(runs, 0.01), `only ${acknowledged.uniqueSpans} distinct spans acknowledged`);
  });

  test(`memory: the heap after the run is within ${MAX_HEAP_GROWTH_MIB} MiB of the heap after the warm-up`, async (t) => {
    await central.flushServiceMap(true);
    const growth = (await settledHeapMiB()) - heapAfterWarmUp;
    t.diagnostic(`otlp-ingest: heap growth ${growth.toFixed(1)} MiB over ${runs * 2} inputs; answers ${JSON.stringify([...statuses])}; seed ${seed}`);
    assert.ok(growth < MAX_HEAP_GROWTH_MIB, `heap grew ${growth.toFixed(1)} MiB (bound ${MAX_HEAP_GROWTH_MIB} MiB), seed ${seed}`);
  });
});
}
