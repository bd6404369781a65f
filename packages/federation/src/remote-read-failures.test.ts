import { after, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { HISTOGRAM_BOUNDS } from '@stitch/query';
import { makeSpan, nanos, spanToJson } from '@stitch/model';
import { ReadAllowList } from './read-allow-list.ts';
import { RemoteReadError } from './remote-read-error.ts';
import { RemoteStore } from './remote-store.ts';
import { listen, type TestServer } from '@stitch/test-support/listen';

const account = { id: '333333333333', label: 'payments' };
const TRACE = 'ab'.repeat(16);
const servers: TestServer[] = [];
after(() => Promise.all(servers.map((server) => server.close())));

/** An agent that answers every request with `handler`. */
async function agent(handler: (req: IncomingMessage, res: ServerResponse) => void): Promise<string> {
  const server = await listen(handler);
  servers.push(server);
  return server.url;
}
const json = (status: number, body: unknown) => (_req: IncomingMessage, res: ServerResponse) => {
  res.writeHead(status, { 'content-type': 'application/json' });
  res.end(typeof body === 'string' ? body : JSON.stringify(body));
};
const remote = (url: string, extra: { timeoutMs?: number; maxResponseBytes?: number } = {}) => new RemoteStore({ url, token: 'link-token', allowList: ReadAllowList.of(['127.0.0.1/32']), account, timeoutMs: 2_000, ...extra });

/** The read fails with a RemoteReadError for the account, with exactly this reason. */
async function failsWith(read: Promise<unknown>, reason: string | RegExp): Promise<void> {
  const error = await read.then(
    () => assert.fail('the read succeeded'),
    (error: unknown) => error,
  );
  assert.ok(error instanceof RemoteReadError, String(error));
  assert.equal(error.accountId, account.id);
  if (typeof reason === 'string') assert.equal(error.reason, reason);
  else assert.match(error.reason, reason);
  assert.equal(error.message, `account ${account.id}: ${error.reason}`);
}

describe('RemoteStore: every failure is a RemoteReadError a person can read', () => {
  test('an agent that never answers: a timeout', async () => {
    const url = await agent(() => {});
    const started = Date.now();
    await failsWith(remote(url, { timeoutMs: 150 }).stats(), 'timeout after 150 ms');
    assert.ok(Date.now() - started < 1_500);
  });

  test('an agent that stops half-way through its answer: a timeout too', async () => {
    const url = await agent((_req, res) => {
      res.writeHead(200, { 'content-type': 'application/json' });
      res.write('{"spanCount": 1');
    });
    await failsWith(remote(url, { timeoutMs: 150 }).stats(), 'timeout after 150 ms');
  });

  test('nobody listening: unreachable, with the system error', async () => {
    const closed = await listen(() => {});
    await closed.close();
    await failsWith(remote(closed.url).stats(), 'unreachable (ECONNREFUSED)');
  });

  test('the agent refuses the token: the status only, never its message', async () => {
    const url = await agent(json(403, { error: "authorization: central refused this account's link (deleted)" }));
    await failsWith(remote(url).listServices(), 'refused by its agent (HTTP 403)');
    const unauthorized = await agent(json(401, { error: "authorization: not this account's link token" }));
    await failsWith(remote(unauthorized).getTrace('ab'.repeat(16)), 'refused by its agent (HTTP 401)');
  });

  test("the agent's own failure: its status, never its body (it could be anyone's error text)", async () => {
    const SECRET = 'DB::Exception: password=hunter2-secret';
    await failsWith(remote(await agent(json(503, { error: SECRET }))).stats(), 'its agent answered HTTP 503');
    const rude = await agent(json(500, `${SECRET}\u001b[2J\r\n${'x'.repeat(500)}`));
    await failsWith(remote(rude).stats(), 'its agent answered HTTP 500');
  });

  test('a redirect is not followed: the token never reaches where it points', async () => {
    const seen: Array<string | undefined> = [];
    const target = await agent((req, res) => {
      seen.push(req.headers.authorization);
      json(200, { spanCount: 1, traceCount: 1 })(req, res);
    });
    for (const status of [301, 302, 307, 308]) {
      const url = await agent((_req, res) => {
        res.writeHead(status, { location: `${target}/federation/v1/stats` });
        res.end();
      });
      await failsWith(remote(url).stats(), `its agent answered HTTP ${status} (redirects are not followed)`);
    }
    assert.deepEqual(seen, [], 'nothing reached the redirect target');
  });

  test('answers that are not what was asked for: bad answer, naming the field', async () => {
    const cases: Array<[string, unknown, (store: RemoteStore) => Promise<unknown>, string | RegExp]> = [
      ['not JSON', '<html>hello</html>', (store) => store.stats(), 'bad answer: not JSON'],
      ['a negative count', { spanCount: -1, traceCount: 0 }, (store) => store.stats(), /^bad answer: spanCount: Too small/],
      ['a missing list', {}, (store) => store.listServices(), /^bad answer: services: /],
      [
        'a span filed under another trace',
        { traces: { [TRACE]: [spanToJson(makeSpan({ traceId: 'cd'.repeat(16) }))] } },
        (store) => store.getTrace(TRACE),
        `bad answer: traces.${TRACE}.0.traceId: not the trace it is listed under`,
      ],
      ['a trace id that is not one', { traces: [{ traceId: 'nope' }] }, (store) => store.searchTraces({ startNanos: nanos(0n), endNanos: nanos(1n), limit: 5 }), /^bad answer: traces\.0\.traceId: not a trace id/],
      [
        'a histogram in other buckets',
        { boundsNanos: HISTOGRAM_BOUNDS.map((b) => String(b * 2n)), counts: new Array(HISTOGRAM_BOUNDS.length + 1).fill(0), total: 0 },
        (store) => store.durationHistogram({ startNanos: nanos(0n), endNanos: nanos(1n) }),
        "bad answer: boundsNanos: not this central's histogram buckets",
      ],
      ['a graph record without measurements', { records: [{ bucketStartMs: 0, kind: 'node', from: null, to: { account: '', accountLabel: '', service: 'x', inferred: null, label: 'x' }, connection: 'sync', roots: 0, examples: [] }] }, (store) => store.readGraphRecords(0, 1), /^bad answer: records\.0\.measurements: /],
    ];
    for (const [title, body, read, reason] of cases) {
      await failsWith(read(remote(await agent(json(200, body)))), reason).catch((error: Error) => assert.fail(`${title}: ${error.message}`));
    }
  });

  test('an answer over the size limit, declared or streamed, is cut off', async () => {
    const big = JSON.stringify({ services: [{ serviceName: 'x'.repeat(5_000), accounts: [], spanCount: 1 }] });
    await failsWith(remote(await agent(json(200, big)), { maxResponseBytes: 1_000 }).listServices(), 'answer over 1000 bytes');
    const streamed = await agent((_req, res) => {
      res.writeHead(200, { 'content-type': 'application/json' }); // chunked: no length to check first
      for (let i = 0; i < 50; i++) res.write(' '.repeat(100));
      res.end(big);
    });
    await failsWith(remote(streamed, { maxResponseBytes: 1_000 }).listServices(), 'answer over 1000 bytes');
  });
});
