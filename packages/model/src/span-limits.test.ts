import { test } from 'node:test';
import assert from 'node:assert/strict';
import { makeSpan } from './fixtures.ts';
import { LIMITED_ATTRIBUTES_ATTRIBUTE, limitSpanAttributes, SPAN_LIMITS } from './span-limits.ts';

test('a span within the limits is kept as it is', () => {
  const span = makeSpan({ attributes: { 'http.url': 'https://x/y', retries: 3 } });
  assert.equal(limitSpanAttributes(span), span);
});

test('attributes past the count are dropped, long values cut, and the span says how many', () => {
  const attributes: Record<string, string | string[]> = { 'url.full': `https://api.example.com/${'a'.repeat(SPAN_LIMITS.attributeValueChars)}` };
  for (let i = 0; i < SPAN_LIMITS.attributesPerSpan + 9; i++) attributes[`k${i}`] = `v${i}`;
  attributes.tags = ['short', 'b'.repeat(SPAN_LIMITS.attributeValueChars + 1)];
  const span = makeSpan({ attributes, events: [{ name: 'exception', timeUnixNano: makeSpan().startTimeUnixNano, attributes: { 'exception.stacktrace': 's'.repeat(100_000) } }] });
  const limited = limitSpanAttributes(span);
  const keys = Object.keys(limited.attributes);
  assert.equal(keys.length, SPAN_LIMITS.attributesPerSpan + 1, 'the limit, and the marker');
  assert.equal((limited.attributes['url.full'] as string).length, SPAN_LIMITS.attributeValueChars);
  assert.equal(limited.http.url, limited.attributes['url.full'], 'the searchable URL is the cut one too');
  assert.equal(limited.attributes.tags, undefined, 'past the count');
  assert.equal((limited.events[0]!.attributes['exception.stacktrace'] as string).length, SPAN_LIMITS.attributeValueChars);
  // 267 attributes: 11 dropped past the 256th (10 keys and tags), 1 value cut on the span, 1 on its event
  assert.equal(limited.attributes[LIMITED_ATTRIBUTES_ATTRIBUTE], 13);
  assert.equal(Object.keys(span.attributes).length, SPAN_LIMITS.attributesPerSpan + 11, 'the original is untouched');
});
