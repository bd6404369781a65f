import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { makeSpan, nanos, spansToBatch } from '@stitch/model';
import { openDuckDbStore, type DuckDbStore } from '@stitch/store-duckdb';
import { FEDERATION_PATHS } from './protocol.ts';
import { serveReadsOf, type TestServer } from '@stitch/test-support/listen';

const TRACE = 'ab'.repeat(16);
const window = { start: '0', end: '9000000000000000000' };

describe('serveStoreReads refuses bad requests, naming what is wrong, and keeps serving', () => {
  let store: DuckDbStore;
  let server: TestServer;
  const logged: string[] = [];
  before(async () => {
    store = await openDuckDbStore({ path: ':memory:' });
    await store.writeBatch(spansToBatch([makeSpan({ traceId: TRACE, name: 'GET /prices', startTimeUnixNano: nanos(1_000n), endTimeUnixNano: nanos(2_000n) })]));
    server = await serveReadsOf(store, (message) => logged.push(message));
  });
  after(async () => {
    await server.close();
    await store.close();
  });

  const send = async (method: string, path: string, body?: string) => {
    const response = await fetch(`${server.url}${path}`, { method, body, headers: body === undefined ? {} : { 'content-type': 'application/json' } });
    return { status: response.status, allow: response.headers.get('allow'), json: (await response.json()) as { error?: string; column?: number; traces?: unknown } };
  };
  const post = (path: string, body: unknown) => send('POST', path, typeof body === 'string' ? body : JSON.stringify(body));
  const hugeFilter = 'fault OR '.repeat(2000) + 'ok';

  const cases: Array<[title: string, method: string, path: string, body: unknown, status: number, error: RegExp]> = [
    ['garbage JSON', 'POST', FEDERATION_PATHS.traces, '{"traceIds": [', 400, /^body: not JSON$/],
    ['no trace ids', 'POST', FEDERATION_PATHS.traces, {}, 400, /^traceIds: /],
    ['trace ids not a list', 'POST', FEDERATION_PATHS.traces, { traceIds: TRACE }, 400, /^traceIds: .*array/],
    ['a trace id that is not one', 'POST', FEDERATION_PATHS.traces, { traceIds: [TRACE, "x' OR 1=1 --"] }, 400, /^traceIds\.1: not a trace id/],
    ['an all-zero trace id', 'POST', FEDERATION_PATHS.traces, { traceIds: ['0'.repeat(32)] }, 400, /^traceIds\.0: not a trace id/],
    ['1001 trace ids', 'POST', FEDERATION_PATHS.traces, { traceIds: Array.from({ length: 1001 }, () => TRACE) }, 400, /^traceIds: .*1000/],
    ['an unknown field', 'POST', FEDERATION_PATHS.traces, { traceIds: [], spanIds: [] }, 400, /spanIds/],
    ['a body that is a list', 'POST', FEDERATION_PATHS.search, [], 400, /^body: /],
    ['no limit', 'POST', FEDERATION_PATHS.search, window, 400, /^limit: /],
    ['limit 0', 'POST', FEDERATION_PATHS.search, { ...window, limit: 0 }, 400, /^limit: /],
    ['limit 10001', 'POST', FEDERATION_PATHS.search, { ...window, limit: 10_001 }, 400, /^limit: /],
    ['start as a number', 'POST', FEDERATION_PATHS.search, { ...window, start: 5, limit: 1 }, 400, /^start: /],
    ['start negative', 'POST', FEDERATION_PATHS.search, { ...window, start: '-5', limit: 1 }, 400, /^start: expected nanoseconds/],
    ['end past int64', 'POST', FEDERATION_PATHS.search, { ...window, end: '9223372036854775808', limit: 1 }, 400, /^end: beyond the int64/],
    ['minDuration not a number', 'POST', FEDERATION_PATHS.search, { ...window, minDuration: '8s', limit: 1 }, 400, /^minDuration: /],
    ['a filter with SQL in it', 'POST', FEDERATION_PATHS.search, { ...window, filter: "name = 'x' OR '1'='1", limit: 1 }, 400, /^filter: column \d+: /],
    ['a filter with an unclosed quote', 'POST', FEDERATION_PATHS.search, { ...window, filter: 'name = "x', limit: 1 }, 400, /^filter: column 8: string not closed/],
    ['a filter with a statement after it', 'POST', FEDERATION_PATHS.search, { ...window, filter: 'fault; DROP TABLE spans; --', limit: 1 }, 400, /^filter: column 6: unexpected character ";"/],
    ['a filter of a wrong type', 'POST', FEDERATION_PATHS.search, { ...window, filter: { type: 'flag' }, limit: 1 }, 400, /^filter: /],
    ['a filter over 16 KB', 'POST', FEDERATION_PATHS.search, { ...window, filter: hugeFilter, limit: 1 }, 400, /^filter: .*16384/],
    ['a filter over the parser limit', 'POST', FEDERATION_PATHS.search, { ...window, filter: hugeFilter.slice(0, 8000), limit: 1 }, 400, /^filter: column 4097: .*longer than 4096/],
    ['a histogram with a limit', 'POST', FEDERATION_PATHS.histogram, { ...window, limit: 5 }, 400, /limit/],
    ['a histogram with a bad filter', 'POST', FEDERATION_PATHS.histogram, { ...window, filter: 'duration >' }, 400, /^filter: /],
    ['a graph window without its end', 'GET', `${FEDERATION_PATHS.graph}?startMs=0`, undefined, 400, /^endMs: /],
    ['a graph window in words', 'GET', `${FEDERATION_PATHS.graph}?startMs=yesterday&endMs=1`, undefined, 400, /^startMs: expected unix milliseconds/],
    ['an unknown graph parameter', 'GET', `${FEDERATION_PATHS.graph}?startMs=0&endMs=1&account=x`, undefined, 400, /account/],
    ['an unknown path', 'GET', '/federation/v1/spans', undefined, 404, /^path: /],
    ['another version', 'POST', '/federation/v2/traces', { traceIds: [] }, 404, /^path: /],
    ['GET on a POST route', 'GET', FEDERATION_PATHS.traces, undefined, 405, /^method: .* takes POST/],
    ['POST on a GET route', 'POST', FEDERATION_PATHS.stats, {}, 405, /^method: .* takes GET/],
  ];
  for (const [title, method, path, body, status, error] of cases) {
    test(title, async () => {
      const answer = body === undefined ? await send(method, path) : await post(path, body);
      assert.equal(answer.status, status, JSON.stringify(answer.json));
      assert.match(answer.json.error ?? '', error);
      if (status === 405) assert.equal(answer.allow, method === 'GET' ? 'POST' : 'GET');
    });
  }

  test('a filter syntax error says at which column', async () => {
    const answer = await post(FEDERATION_PATHS.search, { ...window, filter: 'fault AND', limit: 1 });
    assert.equal(answer.json.column, 10);
  });

  test('a body over 1 MB is a 413', async () => {
    const answer = await post(FEDERATION_PATHS.traces, JSON.stringify({ traceIds: [] }) + ' '.repeat(1024 * 1024));
    assert.equal(answer.status, 413);
    assert.match(answer.json.error ?? '', /1048576 byte limit/);
  });

  test('hostile text inside a valid filter is searched for literally', async () => {
    const answer = await post(FEDERATION_PATHS.search, { ...window, filter: `name = "x' OR '1'='1\\"); DROP TABLE spans; --" OR service("'; --") { fault }`, limit: 10 });
    assert.equal(answer.status, 200);
    assert.deepEqual(answer.json.traces, []);
  });

  test('after all that, the store is whole and still served', async () => {
    const found = await post(FEDERATION_PATHS.search, { ...window, filter: 'name = "GET /prices"', limit: 10 });
    assert.deepEqual((found.json.traces as Array<{ traceId: string }>).map((t) => t.traceId), [TRACE]);
    const traces = await post(FEDERATION_PATHS.traces, { traceIds: [TRACE, 'cd'.repeat(16)] });
    assert.deepEqual(Object.keys(traces.json.traces as object), [TRACE]);
    assert.deepEqual(logged, [], 'no request was an internal error');
  });
});
