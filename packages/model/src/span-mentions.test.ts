import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { makeSpan } from './fixtures.ts';
import { nanos } from './units.ts';
import { spanMentions } from './span-mentions.ts';

describe('spanMentions', () => {
  const span = makeSpan({
    name: 'GET /item',
    status: { code: 'error', message: 'Upstream Timeout' },
    attributes: { 'http.route': '/item/{id}', 'retry.count': 3, tags: ['blue', 'vip'], cached: false },
    resource: { serviceName: 'inventory', attributes: { 'host.name': 'ip-10-0-3-7' } },
    events: [{ name: 'exception', timeUnixNano: nanos(1n), attributes: { 'exception.message': 'socket hang up' } }],
  });
  const cases: Array<[string, boolean]> = [
    ['get /item', true],
    ['invent', true],
    ['upstream timeout', true],
    ['http.route', true],
    ['{id}', true],
    ['3', true],
    ['vip', true],
    ['false', true],
    ['ip-10-0-3', true],
    ['exception', true],
    ['hang up', true],
    ['checkout', false],
    ['', false],
  ];
  for (const [text, expected] of cases) it(`${JSON.stringify(text)}: ${expected}`, () => assert.equal(spanMentions(span, text), expected));
});
