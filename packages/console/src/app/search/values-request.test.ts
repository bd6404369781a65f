import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { completionSiteAt } from './completion-context.ts';
import { valuesRequestAt } from './values-request.ts';

/** `‸` marks the caret. */
const requestAt = (marked: string) => {
  const text = marked.replace('‸', '');
  return valuesRequestAt(text, completionSiteAt(text, marked.indexOf('‸')));
};

describe('which values the box asks the server for', () => {
  const cases: Array<[string, ReturnType<typeof valuesRequestAt>]> = [
    ['{ resource.service.name = ‸', { tag: 'resource.service.name', q: null }],
    ['{ span.db.system != "re‸', { tag: 'span.db.system', q: null }],
    ['{ .region =~ ‸', { tag: '.region', q: null }],
    ['db.system = ‸', { tag: '.db.system', q: null }],
    ['{ span."cart items" = ‸', { tag: 'span."cart items"', q: null }],
    ['{ name = ‸', { tag: 'name', q: null }],
    ['{ span:name = ‸', { tag: 'name', q: null }],
    ['http.route BEGINSWITH ‸', { tag: 'http.route', q: null }],
    ['service(‸', { tag: 'resource.service.name', q: null }],
    ['edge("a", ‸', { tag: 'resource.service.name', q: null }],
    ['peer(‸', null],
    ['duration > ‸', null],
    ['{ status = ‸', null],
    ['account = ‸', null],
    ['{ name ‸', null],
    // A span has many events: discovery lists no values of theirs.
    ['{ event.exception.type = ‸', null],
    ['{ link:traceID = ‸', null],
  ];
  for (const [marked, expected] of cases) it(marked, () => assert.deepEqual(requestAt(marked), expected));

  it('narrowed to the spans the other conditions of its braces keep', () => {
    assert.deepEqual(requestAt('{ resource.service.name = "checkout" && kind = server && name = ‸'), { tag: 'name', q: '{ resource.service.name = "checkout" && kind = server }' });
    assert.deepEqual(requestAt('{ } && { .region = "eu" AND span.db.system = ‸ }'), { tag: 'span.db.system', q: '{ .region = "eu" }' });
    assert.deepEqual(requestAt('{ a.b = 1 || c.d = 2 && name = ‸'), { tag: 'name', q: null }, 'not under an OR');
    assert.deepEqual(requestAt('{ a.b = && name = ‸'), { tag: 'name', q: null }, 'not a condition that does not parse');
    assert.deepEqual(requestAt('duration > 2 AND name = ‸'), { tag: 'name', q: null }, 'not outside braces');
  });
});
