import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { createSocket, type Socket } from 'node:dgram';
import { parseDaemonDatagram, segmentToSpans, WireError } from '@stitch/wire';
import { startLinkedAgent, type LinkedAgent } from '@stitch/test-support/linked-agent';
import { fuzzRuns, fuzzSeed, holds, reproduce } from './fuzz-run.ts';
import { MAX_HEAP_GROWTH_MIB, settledHeapMiB } from './heap.ts';
import { FuzzClient } from './http-client.ts';
import { mutateBytes, mutateJsonText, toJsonText, type Random, randomFor } from './mutate.ts';

// X-Ray daemon datagrams to the agent's UDP port: a header line, then a segment document. UDP
// has no answer, so what is checked is that the agent keeps serving and still delivers.

const HEADER = '{"format": "json", "version": 1}\n';
const ACCOUNT = { id: '444444444444', name: 'payments' };
/** Loopback drops datagrams when a burst overruns the socket buffer: yield to the agent this often. */
const PACE_EVERY = 4;

const hex = (random: Random, bytes: number) => random.bytes(bytes).toString('hex').replace(/^0/, '1');

/** A segment as the X-Ray SDKs send it: an inbound request with subsegments, annotations, metadata, a cause. */
function segment(random: Random): { traceId: string; document: object } {
  const traceId = hex(random, 16);
  const now = Date.now() / 1000;
  const document = {
    name: 'payments',
    id: hex(random, 8),
    trace_id: `1-${traceId.slice(0, 8)}-${traceId.slice(8)}`,
    start_time: now - 1.5,
    end_time: now,
    origin: 'AWS::ECS::Container',
    http: { request: { method: 'POST', url: 'https://payments.internal/v1/charges?x=1', client_ip: '10.0.0.7' }, response: { status: 502 } },
    fault: true,
    annotations: { order_id: 'o-42', attempt: 2, vip: false },
    metadata: { debug: { cart: { items: 3 }, note: 'rush' } },
    cause: { exceptions: [{ id: 'e1', type: 'StripeTimeout', message: 'upstream timed out', stack: [{ path: 'charge.js', line: 42, label: 'charge' }] }] },
    subsegments: [
      { name: 'Stripe API call', id: hex(random, 8), namespace: 'remote', start_time: now - 1.4, end_time: now - 0.1, http: { response: { status: 504 } }, subsegments: [{ name: 'tls', id: hex(random, 8), start_time: now - 1.39, end_time: now - 1.3 }] },
      { name: 'DynamoDB', id: hex(random, 8), namespace: 'aws', start_time: now - 0.09, end_time: now - 0.05, aws: { operation: 'PutItem', table_name: 'orders' }, throttle: true },
    ],
  };
  return { traceId, document };
}

/** Mostly a mutated segment behind a good header; also a mutated header, mutated bytes, random bytes, a near-limit datagram. */
function datagram(random: Random): Buffer {
  const { document } = segment(random);
  const roll = random.float();
  if (roll < 0.05) return Buffer.from(HEADER + toJsonText(document));
  if (roll < 0.65) return Buffer.concat([Buffer.from(HEADER), mutateJsonText(random, document)]);
  if (roll < 0.75) return Buffer.concat([mutateBytes(random, Buffer.from(HEADER)), Buffer.from(toJsonText(document))]);
  if (roll < 0.88) return mutateBytes(random, Buffer.from(HEADER + toJsonText(document)));
  if (roll < 0.98) return random.bytes(random.int(1_500));
  return Buffer.from(HEADER + toJsonText({ ...document, metadata: { debug: { pad: 'x'.repeat(64_000) } } })).subarray(0, 65_000);
}

describe('fuzzing the agent X-Ray UDP port', () => {
  const seed = fuzzSeed();
  const runs = fuzzRuns();
  let linked: LinkedAgent;
  let socket: Socket;
  let central: FuzzClient;
  let heapBefore = 0;

  before(async () => {
    linked = await startLinkedAgent(ACCOUNT);
    socket = createSocket('udp4');
    central = new FuzzClient(linked.central.url);
  });
  after(async () => {
    socket.close();
    central.close();
    await linked.stop();
  });

  const send = (bytes: Buffer) =>
    new Promise<void>((resolve) => socket.send(bytes, linked.agent.udpPort, '127.0.0.1', () => resolve()));

  /** Sends datagrams #from…#to-1; each is also read in-process, where only a WireError may come out. */
  async function barrage(from: number, to: number): Promise<void> {
    for (let index = from; index < to; index++) {
      const bytes = datagram(randomFor(seed, index));
      try {
        segmentToSpans(parseDaemonDatagram(bytes), { account: { id: ACCOUNT.id, label: ACCOUNT.name } });
      } catch (error) {
        holds(error instanceof WireError, () => `${(error as Error).stack}; ${reproduce('xray-udp', seed, index, bytes)}`);
      }
      await send(bytes);
      if (index % PACE_EVERY === 0) await new Promise((resolve) => setImmediate(resolve));
    }
  }

  test('warm-up', async () => {
    await barrage(runs, runs + 300);
    await linked.agent.forwarder.whenIdle();
    heapBefore = await settledHeapMiB();
  });

  test(`${runs} datagrams (mutated segments and headers, random bytes), then valid segments still reach central`, async () => {
    await barrage(0, runs);
    const agentClient = new FuzzClient(linked.agent.otlpUrl);
    const agentAnswer = await agentClient.send({ method: 'POST', path: '/TraceSegments', body: JSON.stringify({ TraceSegmentDocuments: [] }) });
    agentClient.close();
    assert.equal(agentAnswer.status, 200, 'the agent still answers HTTP');

    const final = Array.from({ length: 5 }, (_, i) => segment(randomFor(seed, -1 - i)));
    for (const { document } of final) await send(Buffer.from(HEADER + toJsonText(document)));
    const deadline = Date.now() + 20_000;
    const missing = new Set(final.map(({ traceId }) => traceId));
    while (missing.size > 0 && Date.now() < deadline) {
      for (const traceId of missing) if ((await central.send({ path: `/api/traces/${traceId}` })).status === 200) missing.delete(traceId);
      if (missing.size > 0) await new Promise((resolve) => setTimeout(resolve, 100));
    }
    assert.deepEqual([...missing], [], `segments sent after the barrage never reached central, seed ${seed}`);
  });

  test(`memory: the heap after the run is within ${MAX_HEAP_GROWTH_MIB} MiB of the heap after the warm-up`, async (t) => {
    await linked.agent.forwarder.whenIdle();
    await linked.central.flushServiceMap(true);
    const growth = (await settledHeapMiB()) - heapBefore;
    t.diagnostic(`xray-udp: heap growth ${growth.toFixed(1)} MiB over ${runs} datagrams; seed ${seed}`);
    assert.ok(growth < MAX_HEAP_GROWTH_MIB, `heap grew ${growth.toFixed(1)} MiB (bound ${MAX_HEAP_GROWTH_MIB} MiB), seed ${seed}`);
  });
});
