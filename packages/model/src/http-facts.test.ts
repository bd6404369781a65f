import { test } from 'node:test';
import assert from 'node:assert/strict';
import { httpFactsOf } from './http-facts.ts';

test('reads current semantic-convention names', () => {
  assert.deepEqual(
    httpFactsOf({ 'http.request.method': 'POST', 'http.route': '/orders/:id', 'url.full': 'https://x/orders/1', 'http.response.status_code': 502 }),
    { method: 'POST', route: '/orders/:id', url: 'https://x/orders/1', statusCode: 502 },
  );
});

test('falls back to the pre-1.21 names and parses string status codes', () => {
  assert.deepEqual(httpFactsOf({ 'http.method': 'GET', 'http.url': 'http://a/b', 'http.status_code': '404' }), {
    method: 'GET',
    route: null,
    url: 'http://a/b',
    statusCode: 404,
  });
});

test('ignores values of the wrong type', () => {
  assert.deepEqual(httpFactsOf({ 'http.method': 7, 'http.status_code': 'teapot' }), { method: null, route: null, url: null, statusCode: null });
});
