import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { FEDERATION_PATHS } from './protocol.ts';
import { apiUrl, parseReadUrl, readUrlText } from './read-url.ts';

describe('parseReadUrl: a member gives scheme, host, port and a plain path prefix, nothing else', () => {
  test('read URLs kept, normalised', () => {
    const cases: Array<[string, string]> = [
      ['http://10.0.3.7:4319', 'http://10.0.3.7:4319/'],
      ['http://10.0.3.7:4319/', 'http://10.0.3.7:4319/'],
      ['https://Agent.Payments.Internal/stitch/', 'https://agent.payments.internal/stitch'],
      ['http://[::1]:4319', 'http://[::1]:4319/'],
      // `..` is resolved by the URL parser before anything is kept: it cannot climb out later.
      ['http://127.0.0.1:4319/a/../b', 'http://127.0.0.1:4319/b'],
      // Other spellings of an address are the address.
      ['http://2130706433:4319', 'http://127.0.0.1:4319/'],
    ];
    for (const [text, expected] of cases) {
      const parsed = parseReadUrl(text);
      assert.ok('url' in parsed, `${text}: ${JSON.stringify(parsed)}`);
      assert.equal(parsed.url.href, expected, text);
    }
  });

  test('refused, each with its reason', () => {
    const cases: Array<[string, RegExp]> = [
      ['javascript:alert(1)', /http\(s\)/],
      ['file:///etc/passwd', /http\(s\)/],
      ['gopher://127.0.0.1:9000/', /http\(s\)/],
      ['not a url', /http\(s\)/],
      ['http://127.0.0.1:8123/#', /fragment/],
      ['http://127.0.0.1:8123/?query=SELECT%201#', /fragment|query/],
      ['http://127.0.0.1:8123/?query=SELECT%201', /query/],
      ['http://127.0.0.1:1@169.254.169.254/', /user name/],
      ['http://user:pass@127.0.0.1:4319', /user name/],
      ['http://127.0.0.1:4319/%2f..%2fadmin', /no %-escapes/],
      ['http://127.0.0.1:4319/a%23b', /no %-escapes/],
      ['http://127.0.0.1:4319/\tadmin', /control/],
      [' http://127.0.0.1:4319/', /spaces/],
    ];
    for (const [text, reason] of cases) {
      const parsed = parseReadUrl(text);
      assert.ok('error' in parsed, `${text} was accepted as ${'url' in parsed && parsed.url.href}`);
      assert.match(parsed.error, reason, text);
    }
  });
});

describe('apiUrl: the API path is appended by the URL API, under the prefix', () => {
  test('paths and queries land where central says', () => {
    const base = (parseReadUrl('http://10.0.3.7:4319/stitch/') as { url: URL }).url;
    assert.equal(readUrlText(base), 'http://10.0.3.7:4319/stitch', 'shown without a trailing slash');
    assert.equal(readUrlText((parseReadUrl('http://10.0.3.7:4319/') as { url: URL }).url), 'http://10.0.3.7:4319');
    assert.equal(apiUrl(base, FEDERATION_PATHS.stats).href, 'http://10.0.3.7:4319/stitch/federation/v1/stats');
    const query = new URLSearchParams({ startMs: '1', endMs: '2' });
    assert.equal(apiUrl(base, FEDERATION_PATHS.graph, query).href, 'http://10.0.3.7:4319/stitch/federation/v1/graph?startMs=1&endMs=2');
    // Even a path holding `#` or `?` stays a path (escaped), never a fragment or query.
    assert.equal(apiUrl(base, '/x#y?z').href, 'http://10.0.3.7:4319/stitch/x%23y%3Fz');
  });
});
