import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { gzipSync } from 'node:zlib';
import { WireError, zipkinFormatOf, zipkinToSpans } from '@stitch/wire';
import { zipkinProtobufOf } from '@stitch/test-support/fixtures';
import { startLinkedAgent, type LinkedAgent } from '@stitch/test-support/linked-agent';
import { fuzzRuns, fuzzSeed, holds, reproduce, share } from './fuzz-run.ts';
import { FuzzClient, inParallel } from './http-client.ts';
import { mutateBytes, mutateJsonText, toJsonText, type Random, randomFor } from './mutate.ts';

// Zipkin v2 spans to the agent's Zipkin port: JSON (structure-aware mutations), protobuf (byte
// mutations), gzip, other content types, random bytes. In-process the decoder raises nothing but
// WireError, on every input; half of them are also sent: every answer is 202, or a refusal with
// a message (400, 413, 415), and every span of every request answered 202 reaches central:
// accepted is never lost. (Half: each 202 is one delivery to central, and central, the agent and
// the client share this process's one thread: 5,000 take 30 s.)

const ACCOUNT = { id: '333333333333', name: 'pricing' };
const IN_FLIGHT = 32;
const hex = (random: Random, bytes: number) => random.bytes(bytes).toString('hex').replace(/^0/, '1');

interface JsonSpan {
  traceId: string;
  id: string;
  parentId?: string;
  name: string;
  kind?: 'CLIENT' | 'SERVER';
  shared?: boolean;
  timestamp: number;
  duration: number;
  localEndpoint: { serviceName: string; ipv4?: string };
  remoteEndpoint?: { serviceName: string; ipv4: string; port: number };
  tags: Record<string, string>;
  annotations?: Array<{ timestamp: number; value: string }>;
}

/** A client span, its shared server half and a local span, as Zipkin reporters send them. */
function spanList(random: Random): JsonSpan[] {
  const traceId = hex(random, 16);
  const [client, local] = [hex(random, 8), hex(random, 8)];
  const start = (Date.now() - 2_000) * 1_000;
  return [
    { traceId, id: client, name: 'get /prices', kind: 'CLIENT', timestamp: start, duration: 30_000, localEndpoint: { serviceName: 'frontend', ipv4: '10.0.0.1' }, remoteEndpoint: { serviceName: 'backend', ipv4: '10.0.0.7', port: 8080 }, tags: { 'http.path': '/prices/SKU-1', 'http.method': 'GET' } },
    { traceId, id: client, name: 'get /prices/{sku}', kind: 'SERVER', shared: true, timestamp: start + 2_000, duration: 25_000, localEndpoint: { serviceName: 'backend' }, tags: { 'http.status_code': '500', error: 'price table locked' }, annotations: [{ timestamp: start + 3_000, value: 'wr' }] },
    { traceId, id: local, parentId: client, name: 'lookup', timestamp: start + 4_000, duration: 1_000, localEndpoint: { serviceName: 'backend' }, tags: { 'otel.status_code': 'OK', 'otel.scope.name': 'prices' } },
  ];
}

function protobufOf(list: readonly JsonSpan[]): Uint8Array {
  return zipkinProtobufOf(
    list.map((span) => ({
      traceId: span.traceId,
      id: span.id,
      ...(span.parentId ? { parentId: span.parentId } : {}),
      ...(span.kind ? { kind: span.kind === 'CLIENT' ? 1 : 2 } : {}),
      name: span.name,
      timestamp: BigInt(span.timestamp),
      duration: BigInt(span.duration),
      service: span.localEndpoint.serviceName,
      tags: span.tags,
      ...(span.shared ? { shared: true } : {}),
    })),
  );
}

interface ZipkinInput {
  body: Buffer;
  contentType: string;
  gzip: boolean;
}

function input(random: Random): ZipkinInput {
  const list = spanList(random);
  const roll = random.float();
  if (roll < 0.05) return { body: Buffer.from(toJsonText(list)), contentType: 'application/json', gzip: false };
  if (roll < 0.5) return { body: mutateJsonText(random, list), contentType: 'application/json', gzip: false };
  if (roll < 0.55) return { body: Buffer.from(protobufOf(list)), contentType: 'application/x-protobuf', gzip: false };
  if (roll < 0.85) return { body: mutateBytes(random, protobufOf(list)), contentType: 'application/x-protobuf', gzip: false };
  if (roll < 0.92) return { body: random.float() < 0.5 ? Buffer.from(toJsonText(list)) : mutateJsonText(random, list), contentType: 'application/json', gzip: true };
  if (roll < 0.96) return { body: random.bytes(random.int(2_000)), contentType: random.float() < 0.5 ? 'application/json' : 'application/x-protobuf', gzip: false };
  return { body: Buffer.from(toJsonText(list)), contentType: ['text/plain', 'application/x-thrift', '', 'application/json;;;'][random.int(4)]!, gzip: false };
}

describe('fuzzing the agent Zipkin v2 port', () => {
  const seed = fuzzSeed();
  const runs = fuzzRuns();
  let linked: LinkedAgent;
  let zipkin: FuzzClient;
  let central: FuzzClient;

  before(async () => {
    linked = await startLinkedAgent(ACCOUNT);
    zipkin = new FuzzClient(`http://127.0.0.1:${linked.agent.zipkinPort}`, { connections: IN_FLIGHT });
    central = new FuzzClient(linked.central.url);
  });
  after(async () => {
    zipkin.close();
    central.close();
    await linked.stop();
  });

  /** The spans the agent must take from the input (null: it must refuse it), checking that the decoder raises nothing but WireError. */
  function spansAccepted(index: number, { body, contentType }: ZipkinInput): number | null {
    const format = zipkinFormatOf(contentType);
    if (!format) return null;
    try {
      const converted = zipkinToSpans(body, format, { id: ACCOUNT.id, label: ACCOUNT.name });
      return converted.rejected.length > 0 ? null : converted.spans.length;
    } catch (error) {
      holds(error instanceof WireError, () => `${(error as Error).stack}; ${reproduce('zipkin', seed, index, body)}`);
      return null;
    }
  }

  test(`${runs} inputs to the decoder raise nothing but WireError`, () => {
    for (let index = 0; index < runs; index++) spansAccepted(index, input(randomFor(seed, index)));
  });

  test(`${share(runs, 0.5)} requests: each answered 202 or refused with a message; every span answered 202 reaches central`, { timeout: 300_000 }, async () => {
    const statuses = new Map<number, number>();
    let acceptedSpans = 0;
    await inParallel(share(runs, 0.5), IN_FLIGHT, async (index) => {
      const sent = input(randomFor(seed, index));
      const spans = spansAccepted(index, sent);
      const { body, contentType, gzip } = sent;
      const answer = await zipkin.send({ method: 'POST', path: '/api/v2/spans', headers: { 'content-type': contentType, ...(gzip ? { 'content-encoding': 'gzip' } : {}) }, body: gzip ? gzipSync(body) : body });
      statuses.set(answer.status, (statuses.get(answer.status) ?? 0) + 1);
      holds([202, 400, 413, 415].includes(answer.status), () => `answered ${answer.status}: ${answer.body.toString().slice(0, 300)}; ${reproduce('zipkin', seed, index, body)}`);
      holds((answer.status === 202) === (spans !== null), () => `answered ${answer.status} where the decoder ${spans === null ? 'refused the input' : `took ${spans} spans`}; ${reproduce('zipkin', seed, index, body)}`);
      if (answer.status === 202) acceptedSpans += spans ?? 0;
      else holds(/"error":"[^"]+/.test(answer.body.toString()), () => `a ${answer.status} without a message; ${reproduce('zipkin', seed, index, body)}`);
    });
    assert.ok((statuses.get(202) ?? 0) > runs / 20 && (statuses.get(400) ?? 0) > runs / 20, `both answers were drawn: ${JSON.stringify([...statuses])}`);

    await linked.agent.forwarder.whenIdle();
    const stored = async () => {
      const { accounts } = JSON.parse((await central.send({ path: '/api/accounts' })).body.toString()) as { accounts: Array<{ accountId: string; spanCount: number }> };
      return accounts.find((account) => account.accountId === ACCOUNT.id)?.spanCount ?? 0;
    };
    const deadline = Date.now() + 20_000;
    while ((await stored()) < acceptedSpans && Date.now() < deadline) await new Promise((resolve) => setTimeout(resolve, 200));
    assert.equal(await stored(), acceptedSpans, `the spans of every request answered 202 are stored, once (seed ${seed})`);
  });
});
