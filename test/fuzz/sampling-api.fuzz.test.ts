import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { startLinkedAgent, type LinkedAgent } from '@stitch/test-support/linked-agent';
import { fuzzRuns, fuzzSeed, holds, reproduce, share } from './fuzz-run.ts';
import { MAX_HEAP_GROWTH_MIB, settledHeapMiB } from './heap.ts';
import { FuzzClient, inParallel } from './http-client.ts';
import { mutateBytes, mutateJsonText, randomText, toJsonText, type Random, randomFor } from './mutate.ts';

// Central's sampling API (its own rules, and the X-Ray daemon calls agents relay) and the
// agent's sampling proxy: bodies mutated from valid ones, every answer a success or a 4xx.

interface Endpoint {
  name: string;
  target: 'central' | 'agent';
  method: 'POST' | 'PUT';
  path: string;
  /** A valid body, fresh for each input (a new rule name, a new client). */
  valid: (random: Random) => object;
  answers: ReadonlySet<number>;
  /** GetSamplingRules reads no field of its body (every rule fits one answer): it has nothing to refuse. */
  ignoresBody?: true;
}

const rule = (random: Random) => ({
  name: `fuzz-${random.int(1e9)}`,
  priority: 1 + random.int(9_000),
  fixedTarget: random.int(100),
  rate: random.float(),
  serviceName: 'payments',
  serviceType: '*',
  host: '*',
  httpMethod: 'POST',
  urlPath: '/v1/charges*',
  resourceArn: '*',
  attributes: { 'http.request.header.x-debug': 'true' },
  description: 'fuzzed',
  ...(random.chance(0.3) ? { for: random.pick(['30m', '1h', '10s', '0.5s']) } : {}),
});

const rulesFile = (random: Random) => ({
  version: 2,
  rules: Array.from({ length: 1 + random.int(4) }, () => ({ description: 'checkout', host: '*', service_name: 'checkout-*', http_method: '*', url_path: '/api/*', fixed_target: random.int(10), rate: 0.1, attributes: { tier: 'gold' } })),
  default: { fixed_target: 1, rate: 0.05 },
});

const statistics = (random: Random) => ({
  SamplingStatisticsDocuments: Array.from({ length: 1 + random.int(3) }, () => ({
    RuleName: random.chance(0.7) ? 'Default' : `fuzz-${random.int(50)}`,
    ClientID: random.bytes(12).toString('hex'),
    Timestamp: Date.now() / 1000,
    RequestCount: random.int(1_000),
    SampledCount: random.int(10),
    BorrowCount: random.int(2),
  })),
});

const nextToken = () => ({ NextToken: null });

const OK_OR_REFUSED = new Set([200, 201, 400, 409, 413]);
const ENDPOINTS: readonly Endpoint[] = [
  { name: 'add-rule', target: 'central', method: 'POST', path: '/api/sampling/rules', valid: rule, answers: OK_OR_REFUSED },
  { name: 'apply-rules-file', target: 'central', method: 'PUT', path: '/api/sampling/rules', valid: rulesFile, answers: OK_OR_REFUSED },
  { name: 'sampling-targets', target: 'central', method: 'POST', path: '/api/sampling/xray/SamplingTargets', valid: statistics, answers: OK_OR_REFUSED },
  { name: 'get-sampling-rules', target: 'central', method: 'POST', path: '/api/sampling/xray/GetSamplingRules', valid: nextToken, answers: OK_OR_REFUSED, ignoresBody: true },
  { name: 'agent-sampling-targets', target: 'agent', method: 'POST', path: '/SamplingTargets', valid: statistics, answers: OK_OR_REFUSED },
];

/** Mostly a structure-aware mutation of a valid body; some untouched, some byte-mutated, some random text. */
function body(random: Random, endpoint: Endpoint): Buffer {
  const valid = endpoint.valid(random);
  const roll = random.float();
  if (roll < 0.1) return Buffer.from(toJsonText(valid));
  if (roll < 0.85) return mutateJsonText(random, valid);
  if (roll < 0.95) return mutateBytes(random, Buffer.from(toJsonText(valid)));
  return Buffer.from(randomText(random, 200));
}

describe('fuzzing the sampling API (central and the agent proxy)', () => {
  const seed = fuzzSeed();
  const perEndpoint = Math.ceil(fuzzRuns() / ENDPOINTS.length);
  let linked: LinkedAgent;
  let central: FuzzClient;
  let agent: FuzzClient;
  let heapAfterWarmUp = 0;
  const statuses = new Map<string, Map<number, number>>();

  before(async () => {
    linked = await startLinkedAgent({ id: '444444444444', name: 'payments' });
    central = new FuzzClient(linked.central.url, { connections: 8 });
    agent = new FuzzClient(linked.agent.samplingUrl, { connections: 8 });
  });
  after(async () => {
    central.close();
    agent.close();
    await linked.stop();
  });

  async function sendOne(endpoint: Endpoint, index: number): Promise<void> {
    const bytes = body(randomFor(seed, index), endpoint);
    const failure = () => reproduce(`sampling-${endpoint.name}`, seed, index, bytes);
    let answer;
    try {
      answer = await (endpoint.target === 'central' ? central : agent).send({ method: endpoint.method, path: endpoint.path, headers: { 'content-type': 'application/json' }, body: bytes });
    } catch (error) {
      assert.fail(`no answer (${(error as Error).message}); ${failure()}`);
    }
    const counts = statuses.get(endpoint.name) ?? new Map<number, number>();
    statuses.set(endpoint.name, counts.set(answer.status, (counts.get(answer.status) ?? 0) + 1));
    holds(endpoint.answers.has(answer.status), () => `${endpoint.method} ${endpoint.path} answered ${answer.status}: ${answer.body.toString('utf8').slice(0, 300)}; ${failure()}`);
  }

  /** Each endpoint's inputs in turn, a few in flight; the index ranges do not overlap, so every input is its own. */
  const run = (count: number, offset: number) =>
    ENDPOINTS.reduce((previous, endpoint, e) => previous.then(() => inParallel(count, 8, (i) => sendOne(endpoint, offset + e * count + i))), Promise.resolve());

  test('warm-up', async () => {
    await run(60, ENDPOINTS.length * perEndpoint);
    heapAfterWarmUp = await settledHeapMiB();
  });

  test(`${perEndpoint} bodies for each of ${ENDPOINTS.map((e) => `${e.method} ${e.path}`).join(', ')}: success or 4xx only`, async () => {
    await run(perEndpoint, 0);
    for (const endpoint of ENDPOINTS) {
      const counts = statuses.get(endpoint.name)!;
      const succeeded = (counts.get(200) ?? 0) + (counts.get(201) ?? 0);
      // Both sides must be reached, or the endpoint was barely tested.
      const refused = endpoint.ignoresBody || (counts.get(400) ?? 0) > share(perEndpoint, 0.1);
      assert.ok(succeeded > share(perEndpoint, 0.05) && refused, `${endpoint.name}: ${JSON.stringify([...counts])}`);
    }
  });

  test('afterwards: the rules still read, and a valid rule can be added and is listed', async () => {
    const listed = await central.send({ path: '/api/sampling/rules' });
    assert.equal(listed.status, 200);
    const { rules } = JSON.parse(listed.body.toString()) as { rules: Array<{ name: string }> };
    assert.ok(rules.some((r) => r.name === 'Default'), 'the default rule is still there');
    const added = rule(randomFor(seed, -1));
    const answer = await central.send({ method: 'POST', path: '/api/sampling/rules', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ ...added, name: 'after-the-fuzz' }) });
    assert.equal(answer.status, 201, answer.body.toString());
    const again = JSON.parse((await central.send({ path: '/api/sampling/rules' })).body.toString()) as { rules: Array<{ name: string }> };
    assert.ok(again.rules.some((r) => r.name === 'after-the-fuzz'));
    assert.equal((await central.send({ path: '/api/sampling/rules?format=local' })).status, 200);
  });

  test(`memory: the heap after the run is within ${MAX_HEAP_GROWTH_MIB} MiB of the heap after the warm-up`, async (t) => {
    const growth = (await settledHeapMiB()) - heapAfterWarmUp;
    t.diagnostic(`sampling-api: heap growth ${growth.toFixed(1)} MiB over ${perEndpoint * ENDPOINTS.length} inputs; answers ${JSON.stringify([...statuses].map(([name, counts]) => [name, [...counts]]))}; seed ${seed}`);
    assert.ok(growth < MAX_HEAP_GROWTH_MIB, `heap grew ${growth.toFixed(1)} MiB (bound ${MAX_HEAP_GROWTH_MIB} MiB), seed ${seed}`);
  });
});
