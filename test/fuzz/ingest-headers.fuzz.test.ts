import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { gzipSync } from 'node:zlib';
import { LinkRegistry } from '@stitch/central';
import { startTestCentral, type TestCentral } from '@stitch/test-support/central';
import { fuzzRuns, fuzzSeed, holds, reproduce, share } from './fuzz-run.ts';
import { sendable } from './header-inputs.ts';
import { MAX_HEAP_GROWTH_MIB, settledHeapMiB } from './heap.ts';
import { FuzzClient, inParallel, sendRaw, statusesIn } from './http-client.ts';
import { mutateBytes, randomText, type Random, randomFor } from './mutate.ts';
import { freshRequest } from './otlp-inputs.ts';

// Hostile ingest headers on central's POST /v1/traces: Authorization, Idempotency-Key,
// Content-Type, Content-Encoding, and (over a raw socket) a Content-Length that lies.
// Every answer is a 200 or a 4xx that names what is wrong.

const ANSWERS = new Set([200, 400, 401, 403, 413, 415, 429]);

function authorization(random: Random, token: string): string {
  return random.pick<() => string>([
    () => `Bearer ${token}`,
    () => `bearer   ${token}`,
    () => `Bearer ${mutateBytes(random, Buffer.from(token)).toString('latin1')}`,
    () => `Bearer ${random.bytes(24).toString('hex')}`,
    () => random.pick(['', 'Bearer', 'Bearer ', 'Basic dXNlcjpwYXNz', 'Bearer a b', `Bearer ${token} extra`, 'Negotiate', 'Bearer \t']),
    () => `Bearer ${'a'.repeat(random.pick([1_000, 8_000]))}`,
    () => randomText(random, 60),
  ])();
}

function idempotencyKey(random: Random): string {
  return random.pick<() => string>([
    () => random.bytes(8).toString('hex'),
    () => 'k'.repeat(random.pick([128, 129, 4_000])),
    () => random.pick(['', ' ', '../../etc/passwd', 'a b', 'ключ', 'x;y', '\t', '%00']),
    () => randomText(random, 20),
  ])();
}

const CONTENT_TYPES = ['application/json', 'application/json; charset=utf-8', 'APPLICATION/JSON', 'application/x-protobuf', 'application/protobuf', 'text/plain', '', ';', 'application/json;;', 'application/json, application/x-protobuf', 'multipart/form-data; boundary=--', 'application/*'];
const CONTENT_ENCODINGS = ['gzip', 'GZIP', 'deflate', 'identity', 'br', 'gzip, gzip', 'x-gzip', 'compress', '', ' gzip', 'identity;q=0', 'zstd'];

describe('fuzzing the ingest headers of central', () => {
  const seed = fuzzSeed();
  const requests = share(fuzzRuns(), 0.4);
  const rawRequests = share(fuzzRuns(), 0.03);
  let registry: LinkRegistry;
  let central: TestCentral;
  let client: FuzzClient;
  let token = '';
  let heapBefore = 0;
  const statuses = new Map<number, number>();

  before(async () => {
    registry = await LinkRegistry.open(null);
    central = await startTestCentral({ links: registry });
    const sink = await registry.createSink({ name: 'observability', allowedAccounts: ['*'], types: ['traces'] });
    ({ token } = await registry.createLink(sink.id, { accountId: '444444444444', accountName: 'payments', types: ['traces'], labelTemplate: '$AccountName', requestsPerSecond: 1e6 }));
    client = new FuzzClient(central.url, { connections: 16 });
  });
  after(async () => {
    client.close();
    await central.stop();
  });

  /** A valid body with one to three hostile headers; the rest as a client would send them. */
  function input(random: Random): { headers: Record<string, string>; body: Buffer } {
    let body = Buffer.from(freshRequest(random).json);
    const headers: Record<string, string> = { 'content-type': 'application/json' };
    for (let n = 1 + random.int(3); n > 0; n--) {
      const header = random.pick(['authorization', 'idempotency-key', 'content-type', 'content-encoding']);
      if (header === 'authorization') headers.authorization = authorization(random, token);
      if (header === 'idempotency-key') headers['idempotency-key'] = idempotencyKey(random);
      if (header === 'content-type') headers['content-type'] = random.pick(CONTENT_TYPES);
      if (header === 'content-encoding') {
        headers['content-encoding'] = random.pick(CONTENT_ENCODINGS);
        if (random.chance(0.5)) body = gzipSync(body);
      }
    }
    return { headers: Object.fromEntries(Object.entries(headers).map(([name, value]) => [name, sendable(value)])), body };
  }

  test('warm-up', async () => {
    await inParallel(200, 16, async (i) => {
      const { headers, body } = input(randomFor(seed, requests + rawRequests + i));
      await client.send({ method: 'POST', path: '/v1/traces', headers, body });
    });
    heapBefore = await settledHeapMiB();
  });

  test(`${requests} requests with hostile Authorization, Idempotency-Key, Content-Type and Content-Encoding: 200 or 4xx`, async () => {
    await inParallel(requests, 16, async (i) => {
      const { headers, body } = input(randomFor(seed, i));
      const failure = () => reproduce('ingest-headers', seed, i, JSON.stringify(headers));
      let answer;
      try {
        answer = await client.send({ method: 'POST', path: '/v1/traces', headers, body });
      } catch (error) {
        assert.fail(`no answer (${(error as Error).message}); ${failure()}`);
      }
      statuses.set(answer.status, (statuses.get(answer.status) ?? 0) + 1);
      holds(ANSWERS.has(answer.status), () => `answered ${answer.status}: ${answer.body.toString().slice(0, 300)}; ${failure()}`);
    });
    for (const status of [200, 400, 401, 415]) assert.ok((statuses.get(status) ?? 0) > 0, `no ${status} among ${JSON.stringify([...statuses])}`);
  });

  test(`${rawRequests} requests whose Content-Length lies (or is not a number), on raw connections: what comes back is a 200 or a 4xx`, async () => {
    const raw = new Map<number, number>();
    await inParallel(rawRequests, 16, async (i) => {
      const random = randomFor(seed, requests + i);
      const body = Buffer.from(freshRequest(random).json);
      const declared = random.pick([String(body.length + 1 + random.int(100)), String(Math.max(0, body.length - 1 - random.int(body.length))), '-1', 'abc', '1e3', `${body.length}, ${body.length}`, ' ', '99999999999999999999', '0x10']);
      const head = `POST /v1/traces HTTP/1.1\r\nHost: central\r\nContent-Type: application/json\r\nContent-Length: ${declared}\r\n\r\n`;
      const answer = await sendRaw(central.port, Buffer.concat([Buffer.from(head), body]), { halfCloseAfterMs: 150 });
      for (const status of statusesIn(answer)) raw.set(status, (raw.get(status) ?? 0) + 1);
      const bad = statusesIn(answer).filter((status) => status !== 200 && (status < 400 || status > 499));
      holds(bad.length === 0, () => `answered ${bad.join(', ')}: ${answer.slice(0, 300)}; ${reproduce('content-length', seed, requests + i, head)}`);
    });
    assert.ok((raw.get(400) ?? 0) > rawRequests / 2, `raw answers by status: ${JSON.stringify([...raw])}`);
  });

  test('afterwards: central answers, and the link token still stores spans', async () => {
    const fresh = freshRequest(randomFor(seed, -1));
    const stored = await client.send({ method: 'POST', path: '/v1/traces', headers: { 'content-type': 'application/json', authorization: `Bearer ${token}` }, body: fresh.json });
    assert.equal(stored.status, 200, stored.body.toString());
    const found = JSON.parse((await client.send({ path: `/api/traces/${fresh.traceId}` })).body.toString()) as { spans: Array<{ account: { id: string } }> };
    assert.equal(found.spans[0]?.account.id, '444444444444');
  });

  test(`memory: the heap after the run is within ${MAX_HEAP_GROWTH_MIB} MiB of the heap after the warm-up`, async (t) => {
    await central.flushServiceMap(true);
    const growth = (await settledHeapMiB()) - heapBefore;
    t.diagnostic(`ingest-headers: heap growth ${growth.toFixed(1)} MiB; answers ${JSON.stringify([...statuses])}; seed ${seed}`);
    assert.ok(growth < MAX_HEAP_GROWTH_MIB, `heap grew ${growth.toFixed(1)} MiB (bound ${MAX_HEAP_GROWTH_MIB} MiB), seed ${seed}`);
  });
});
