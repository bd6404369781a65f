import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { startAgent, type PipelineAgent } from '@stitch/agent';
import { LinkRegistry } from '@stitch/central';
import { startTestCentral, type TestCentral } from '@stitch/test-support/central';
import { CountingStore } from './counting-store.ts';
import { fuzzRuns, fuzzSeed, holds, reproduce } from './fuzz-run.ts';
import { MAX_HEAP_GROWTH_MIB, settledHeapMiB } from './heap.ts';
import { FuzzClient, inParallel } from './http-client.ts';
import { randomFor } from './mutate.ts';
import { AcknowledgedSpans, acknowledgedBatch } from './otlp-accounting.ts';
import { decodedBody, encodeForTransport, otlpSeeds, protobufBody, type OtlpSeeds } from './otlp-inputs.ts';

// POST /v1/traces on the agent, which answers for central before central has seen the spans:
// it checks protobuf on the bytes (it does not decode), so its answer must be central's.
// Central counts what it stores here: its DuckDB store is fuzzed in otlp-ingest, and the
// agent's thousands of forwarded batches would double this file's time.

const ANSWERS = new Set([200, 400, 413, 415]);
const IN_FLIGHT = 16;
const WARM_UP = 300;
const ACCOUNT = { id: '444444444444', name: 'payments' };

describe('fuzzing the agent POST /v1/traces', () => {
  const seed = fuzzSeed();
  const runs = fuzzRuns();
  let linked: { central: TestCentral; agent: PipelineAgent };
  let agent: FuzzClient;
  const store = new CountingStore();
  let seeds: OtlpSeeds;
  let heapAfterWarmUp = 0;
  const acknowledged = new AcknowledgedSpans();
  const statuses = new Map<number, number>();

  before(async () => {
    // Linked as startLinkedAgent links them, over the counting store.
    const registry = await LinkRegistry.open(null);
    const centralServer = await startTestCentral({ links: registry, store });
    const sink = await registry.createSink({ name: 'observability', allowedAccounts: ['*'], types: ['traces'] });
    const { token } = await registry.createLink(sink.id, { accountId: ACCOUNT.id, accountName: ACCOUNT.name, types: ['traces'], labelTemplate: '$AccountName' });
    linked = { central: centralServer, agent: await startAgent({ account: ACCOUNT, sinkUrl: centralServer.url, token, port: 0, udpPort: 0, samplingPort: 0, log: () => {} }) };
    agent = new FuzzClient(linked.agent.otlpUrl, { connections: IN_FLIGHT });
    seeds = await otlpSeeds();
  });
  after(async () => {
    agent.close();
    await linked.agent.close();
    await linked.central.stop();
  });

  async function postOne(index: number): Promise<void> {
    const random = randomFor(seed, index);
    // Few untouched seeds: the agent would forward each again, and central take it as a retry.
    const input = encodeForTransport(random, protobufBody(random, seeds, 0.01), 'protobuf');
    const failure = () => reproduce('agent-otlp-protobuf', seed, index, input.body);
    let answer;
    try {
      answer = await agent.send({ method: 'POST', path: '/v1/traces', headers: input.headers, body: input.body });
    } catch (error) {
      assert.fail(`no answer (${(error as Error).message}); ${failure()}`);
    }
    statuses.set(answer.status, (statuses.get(answer.status) ?? 0) + 1);
    holds(ANSWERS.has(answer.status), () => `answered ${answer.status}: ${answer.body.toString('utf8').slice(0, 300)}; ${failure()}`);
    const plain = decodedBody(input);
    const sentAs = String(input.headers['content-type']).toLowerCase().includes('json') ? 'json' : 'protobuf';
    const { decoded, checkAgrees } = plain ? acknowledgedBatch(plain, sentAs) : { decoded: null, checkAgrees: false };
    const centralWouldStore = decoded !== null && decoded.batch.length > 0;
    if (answer.status === 200) {
      holds(decoded && checkAgrees, () => `the agent acknowledged a body central refuses (or counts differently); ${failure()}`);
      acknowledged.add(decoded, plain!);
    } else if (answer.status === 400) {
      holds(!centralWouldStore, () => `the agent refused a body central would store (${decoded?.batch.length} spans); ${failure()}`);
    }
  }

  /** Everything acknowledged has left the agent's spool (the run's batches all answered by central). */
  async function delivered(): Promise<void> {
    const deadline = Date.now() + 60_000;
    while (!(await linked.agent.forwarder.whenIdle())) {
      assert.ok(Date.now() < deadline, `${linked.agent.forwarder.waitingBatches} batches still spooled after 60 s`);
    }
  }

  test('warm-up', async () => {
    await inParallel(WARM_UP, IN_FLIGHT, (i) => postOne(runs + i));
    await delivered();
    await linked.central.flushServiceMap(true);
    heapAfterWarmUp = await settledHeapMiB();
  });

  test(`${runs} protobuf bodies: 200/400/413/415 only, and a 200 exactly when central would store the spans`, async () => {
    await inParallel(runs, IN_FLIGHT, postOne);
    assert.ok((statuses.get(200) ?? 0) > runs * 0.05 && (statuses.get(400) ?? 0) > runs * 0.3, `answers by status: ${JSON.stringify([...statuses])}`);
  });

  test('afterwards: every acknowledged span reaches central, none is refused there', async () => {
    await delivered();
    assert.equal(linked.agent.forwarder.refusedBatches, 0, 'central refused batches the agent had acknowledged');
    assert.equal(store.storedSpans, acknowledged.rows, `spans central stored vs spans the agent acknowledged, seed ${seed}`);
    assert.equal((await agent.send({ method: 'POST', path: '/v1/traces', headers: { 'content-type': 'application/x-protobuf' }, body: seeds.protobufBodies[0]! })).status, 200);
  });

  test(`memory: the heap after the run is within ${MAX_HEAP_GROWTH_MIB} MiB of the heap after the warm-up`, async (t) => {
    await delivered();
    await linked.central.flushServiceMap(true);
    const growth = (await settledHeapMiB()) - heapAfterWarmUp;
    t.diagnostic(`otlp-agent: heap growth ${growth.toFixed(1)} MiB over ${runs} inputs; answers ${JSON.stringify([...statuses])}; seed ${seed}`);
    assert.ok(growth < MAX_HEAP_GROWTH_MIB, `heap grew ${growth.toFixed(1)} MiB (bound ${MAX_HEAP_GROWTH_MIB} MiB), seed ${seed}`);
  });
});
