import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { startTestCentral, type TestCentral } from '@stitch/test-support/central';

type Value = { stringValue: string } | { intValue: string } | { doubleValue: number } | { boolValue: boolean };
const attribute = (key: string, value: Value) => ({ key, value });

/** OTLP/JSON as a stock OpenTelemetry SDK sends it: integers as strings, the service and its environment on the resource. */
function request(service: string, environment: string, spans: Array<{ name: string; kind: number; attributes: Array<{ key: string; value: Value }>; error?: boolean; exception?: string }>) {
  const now = BigInt(Date.now()) * 1_000_000n;
  return {
    resourceSpans: [
      {
        resource: { attributes: [attribute('service.name', { stringValue: service }), attribute('deployment.environment', { stringValue: environment })] },
        scopeSpans: [
          {
            scope: { name: '@opentelemetry/instrumentation-pg' },
            spans: spans.map((span, i) => ({
              traceId: `${service.length.toString(16)}${i.toString(16)}`.padEnd(32, 'a'),
              spanId: `${i + 1}`.padStart(16, '0'),
              name: span.name,
              kind: span.kind,
              startTimeUnixNano: String(now - 60_000_000_000n + BigInt(i) * 1_000_000n),
              endTimeUnixNano: String(now - 60_000_000_000n + BigInt(i) * 1_000_000n + 5_000_000n),
              attributes: span.attributes,
              ...(span.error ? { status: { code: 2, message: 'boom' } } : {}),
              // As recordException writes it: an event named exception, its type and message as attributes.
              ...(span.exception
                ? { events: [{ timeUnixNano: String(now - 60_000_000_000n + BigInt(i) * 1_000_000n + 1_000_000n), name: 'exception', attributes: [attribute('exception.type', { stringValue: span.exception }), attribute('exception.message', { stringValue: 'boom' })] }] }
                : {}),
            })),
          },
        ],
      },
    ],
  };
}

describe('attribute discovery API', () => {
  let central: TestCentral;
  const get = async (path: string) => {
    const response = await fetch(`${central.url}${path}`);
    return { status: response.status, body: await response.json() };
  };

  before(async () => {
    central = await startTestCentral();
    const sent = await Promise.all([
      fetch(`${central.url}/v1/traces`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify(
          request('orders', 'prod', [
            { name: 'SELECT orders', kind: 3, attributes: [attribute('db.system', { stringValue: 'postgresql' }), attribute('db.rows', { intValue: '3' })] },
            { name: 'SELECT orders', kind: 3, attributes: [attribute('db.system', { stringValue: 'postgresql' }), attribute('db.rows', { intValue: '0' })], error: true, exception: 'PostgresError' },
            { name: 'GET', kind: 3, attributes: [attribute('db.system', { stringValue: 'redis' }), attribute('cache.hit', { boolValue: true })] },
          ]),
        ),
      }),
      fetch(`${central.url}/v1/traces`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify(request('fare', 'staging', [{ name: 'publish ride-requests', kind: 4, attributes: [attribute('messaging.destination.name', { stringValue: 'ride-requests' })] }])),
      }),
    ]);
    assert.deepEqual(sent.map((response) => response.status), [200, 200]);
  });
  after(() => central.stop());

  test('tags: the span and resource attributes of stock clients, counted, and the intrinsic fields', async () => {
    const { status, body } = await get('/api/search/tags');
    assert.equal(status, 200, JSON.stringify(body));
    const scope = (name: string) => body.scopes.find((s: { name: string }) => s.name === name).tags;
    assert.deepEqual(scope('span'), [
      { name: 'db.system', count: 3 },
      { name: 'db.rows', count: 2 },
      { name: 'cache.hit', count: 1 },
      { name: 'messaging.destination.name', count: 1 },
    ]);
    assert.deepEqual(scope('resource'), [
      { name: 'deployment.environment', count: 4 },
      { name: 'service.name', count: 4 },
    ]);
    assert.deepEqual(scope('event'), [
      { name: 'exception.message', count: 1 },
      { name: 'exception.type', count: 1 },
    ]);
    assert.deepEqual(scope('link'), []);
    assert.ok(scope('intrinsic').some((tag: { name: string }) => tag.name === 'span:name'));
    const only = (await get('/api/search/tags?scope=resource')).body.scopes;
    assert.deepEqual(only.map((s: { name: string }) => s.name), ['resource']);
  });

  test('values: typed, most common first, and narrowed by a { } filter', async () => {
    const values = async (name: string, q?: string) => (await get(`/api/search/tag/${encodeURIComponent(name)}/values${q ? `?q=${encodeURIComponent(q)}` : ''}`)).body;
    assert.deepEqual((await values('span.db.system')).values, [
      { type: 'string', value: 'postgresql', count: 2 },
      { type: 'string', value: 'redis', count: 1 },
    ]);
    assert.deepEqual((await values('span.db.rows')).values.map((v: { value: number }) => v.value).sort(), [0, 3]);
    assert.deepEqual((await values('span.cache.hit')).values, [{ type: 'boolean', value: true, count: 1 }]);
    assert.deepEqual((await values('resource.service.name')).values, [
      { type: 'string', value: 'orders', count: 3 },
      { type: 'string', value: 'fare', count: 1 },
    ]);
    assert.deepEqual((await values('status')).values, [
      { type: 'keyword', value: 'unset', count: 3 },
      { type: 'keyword', value: 'error', count: 1 },
    ]);
    assert.deepEqual((await values('name', '{ .deployment.environment = "prod" && status = error }')).values, [{ type: 'string', value: 'SELECT orders', count: 1 }]);
    assert.deepEqual((await values('name', '{ event.exception.type = "PostgresError" }')).values, [{ type: 'string', value: 'SELECT orders', count: 1 }]);
  });

  test('bad input is a 400 naming the parameter', async () => {
    const cases: Array<[string, RegExp]> = [
      ['/api/search/tags?scope=all', /^scope: "all" is not a scope/],
      ['/api/search/tags?colour=red', /^colour: unknown parameter/],
      ['/api/search/tags?limit=0', /^limit:/],
      ['/api/search/tags?start=later', /^start:/],
      [`/api/search/tag/${encodeURIComponent('span.')}/values`, /^name: "span\." is not a text field of a span/],
      [`/api/search/tag/${encodeURIComponent('duration')}/values`, /^name: "duration" is not a text field of a span/],
      [`/api/search/tag/${encodeURIComponent('event.exception.type')}/values`, /^name: event\.exception\.type: a span may have many events, so their attributes can be compared/],
      [`/api/search/tag/name/values?q=${encodeURIComponent('fault')}`, /^q: must be one \{ \}/],
      [`/api/search/tag/name/values?q=${encodeURIComponent('{ name = ')}`, /^q: column 10/],
    ];
    for (const [path, error] of cases) {
      const { status, body } = await get(path);
      assert.equal(status, 400, path);
      assert.match(body.error, error, path);
    }
  });
});
