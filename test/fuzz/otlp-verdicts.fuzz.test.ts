import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { decodeOtlpTraces, WireError, type DecodedBatch } from '@stitch/wire';
import { startAgent, type PipelineAgent } from '@stitch/agent';
import { DecodePool } from '@stitch/central/ingest/decode-pool';
import { LinkRegistry } from '@stitch/central';
import { startTestCentral, type TestCentral } from '@stitch/test-support/central';
import { CountingStore } from './counting-store.ts';
import { fuzzRuns, fuzzSeed, holds, reproduce } from './fuzz-run.ts';
import { FuzzClient, inParallel, type Answer } from './http-client.ts';
import { randomFor, type Random } from './mutate.ts';
import { nestedJsonRequest, nestedProtobufRequest } from '@stitch/test-support/fixtures';
import { nestingLevels } from './nesting-inputs.ts';
import { rejectedSpansOf } from './otlp-accounting.ts';
import { decodedBody, encodeForTransport, jsonBody, otlpSeeds, protobufBody, type OtlpFormat, type OtlpInput, type OtlpSeeds } from './otlp-inputs.ts';

// Differential: the same OTLP input, JSON or protobuf, to the agent and to central. The agent
// answers for central before central has seen the spans (it checks protobuf on the bytes and
// decodes JSON on its main thread; central decodes both on worker threads, whose stacks are
// larger), so the two must agree on every input: the same status, the same spans refused, and
// central must never refuse what the agent forwards. And the decoder itself must not depend on
// the thread: decoded on the main thread (an agent that keeps its spans) and on central's
// worker, a body gives the same spans or the same refusal. Nesting is drawn around the limits
// and far past them (once: agent 400, central 200 at 1,000 levels).

const ACCOUNT = { id: '444444444444', name: 'payments' };
const ANSWERS = new Set([200, 400, 413, 415]);
const IN_FLIGHT = 16;
/** Share of the inputs that are nested values (the rest: the OTLP generators' mutations). */
const NESTED_SHARE = 0.15;

describe('fuzzing the agent against central: the same verdict on every OTLP input', () => {
  const seed = fuzzSeed();
  const runs = fuzzRuns();
  let central: TestCentral;
  let agent: PipelineAgent;
  let toAgent: FuzzClient;
  let toCentral: FuzzClient;
  let seeds: OtlpSeeds;
  const pool = new DecodePool(1);
  const statuses = new Map<string, number>();

  before(async () => {
    const registry = await LinkRegistry.open(null);
    central = await startTestCentral({ links: registry, store: new CountingStore() });
    const sink = await registry.createSink({ name: 'observability', allowedAccounts: ['*'], types: ['traces'] });
    const { token } = await registry.createLink(sink.id, { accountId: ACCOUNT.id, accountName: ACCOUNT.name, types: ['traces'], labelTemplate: '$AccountName' });
    agent = await startAgent({ account: ACCOUNT, sinkUrl: central.url, token, port: 0, udpPort: 0, samplingPort: 0, log: () => {} });
    toAgent = new FuzzClient(agent.otlpUrl, { connections: IN_FLIGHT });
    toCentral = new FuzzClient(central.url, { connections: IN_FLIGHT });
    seeds = await otlpSeeds();
  });
  after(async () => {
    toAgent.close();
    toCentral.close();
    await pool.close();
    await agent.close();
    await central.stop();
  });

  function inputOf(random: Random): OtlpInput & { format: OtlpFormat } {
    const format: OtlpFormat = random.chance(0.5) ? 'json' : 'protobuf';
    let body: Buffer;
    if (random.chance(NESTED_SHARE)) {
      const levels = nestingLevels(random, format);
      const traceId = random.bytes(16).toString('hex').replace(/^0/, '1');
      body = format === 'json' ? nestedJsonRequest(levels, random.chance(0.5), traceId) : nestedProtobufRequest(levels, random.chance(0.5), traceId);
    } else {
      body = format === 'json' ? jsonBody(random, seeds) : protobufBody(random, seeds, 0.01);
    }
    return { ...encodeForTransport(random, body, format), format };
  }

  /** What a decoder made of a body: its spans and refusals, or its refusal of the whole. */
  const outcomeOf = (decoded: DecodedBatch) => JSON.stringify(decoded, (_key, value: unknown) => (typeof value === 'bigint' ? `${value}n` : value));
  const refusalOf = (error: unknown) => {
    if (error instanceof WireError) return `refused: ${error.message}`;
    throw error;
  };

  async function checkOne(index: number): Promise<void> {
    const random = randomFor(seed, index);
    const input = inputOf(random);
    const failure = () => reproduce(`agent-vs-central-${input.format}`, seed, index, input.body);
    const call = { method: 'POST', path: '/v1/traces', headers: input.headers, body: input.body };
    let answers: [Answer, Answer];
    try {
      answers = await Promise.all([toAgent.send(call), toCentral.send(call)]);
    } catch (error) {
      assert.fail(`no answer (${(error as Error).message}); ${failure()}`);
    }
    const [atAgent, atCentral] = answers;
    const key = `${input.format} ${atAgent.status}`;
    statuses.set(key, (statuses.get(key) ?? 0) + 1);
    const said = (answer: Answer) => `${answer.status} ${answer.body.toString('utf8').slice(0, 200)}`;
    holds(ANSWERS.has(atAgent.status) && ANSWERS.has(atCentral.status), () => `agent ${said(atAgent)}; central ${said(atCentral)}; ${failure()}`);
    holds(atAgent.status === atCentral.status, () => `the agent answered ${said(atAgent)}, central ${said(atCentral)}; ${failure()}`);
    if (atAgent.status === 200) {
      holds(rejectedSpansOf(atAgent) === rejectedSpansOf(atCentral), () => `spans refused: agent ${rejectedSpansOf(atAgent)}, central ${rejectedSpansOf(atCentral)}; ${failure()}`);
    }

    const plain = decodedBody(input);
    if (plain === null) return;
    const onMainThread = (() => {
      try {
        return outcomeOf(decodeOtlpTraces(plain, input.format, { id: ACCOUNT.id, label: ACCOUNT.name }));
      } catch (error) {
        return refusalOf(error);
      }
    })();
    const onWorker = await pool.decode(plain, input.format, { id: ACCOUNT.id, label: ACCOUNT.name }).then(outcomeOf, refusalOf);
    holds(onMainThread === onWorker, () => {
      let at = 0;
      while (onMainThread[at] === onWorker[at]) at += 1;
      const around = (text: string) => text.slice(Math.max(0, at - 150), at + 150);
      return `decoded on the main thread: …${around(onMainThread)}…; on a worker: …${around(onWorker)}…; ${failure()}`;
    });
  }

  test(`${runs} inputs, JSON and protobuf, nesting included: the agent's status is central's, and so are the spans refused`, async (t) => {
    await inParallel(runs, IN_FLIGHT, checkOne);
    t.diagnostic(`answers by format and status: ${JSON.stringify([...statuses].sort())}; seed ${seed}`);
    const count = (format: OtlpFormat, status: number) => statuses.get(`${format} ${status}`) ?? 0;
    for (const format of ['json', 'protobuf'] as const) {
      assert.ok(count(format, 200) > runs * 0.03 && count(format, 400) > runs * 0.1, `${format}: both verdicts drawn often (${count(format, 200)} accepted, ${count(format, 400)} refused)`);
    }
  });

  test('afterwards: central took every batch the agent forwarded (none refused there)', async () => {
    const deadline = Date.now() + 60_000;
    while (!(await agent.forwarder.whenIdle())) assert.ok(Date.now() < deadline, `${agent.forwarder.waitingBatches} batches still spooled after 60 s`);
    assert.equal(agent.forwarder.refusedBatches, 0, 'central refused batches the agent had acknowledged');
  });
});
