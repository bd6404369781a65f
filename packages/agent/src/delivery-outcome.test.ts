import assert from 'node:assert/strict';
import { test } from 'node:test';
import { classifyAnswer, type CentralAnswer, type DeliveryOutcome } from './delivery-outcome.ts';

const NOW = Date.UTC(2025, 10, 24, 16, 0, 0);
const answer = (status: number, retryAfter?: string, body = ''): CentralAnswer => ({ status, retryAfter, body });

const cases: Array<[string, CentralAnswer, DeliveryOutcome]> = [
  ['200 is delivered', answer(200), { kind: 'delivered' }],
  ['any 2xx is delivered', answer(204), { kind: 'delivered' }],
  ['no answer is retryable', { error: new Error('connect ECONNREFUSED 127.0.0.1:4317') }, { kind: 'retryable', status: null, reason: 'central unreachable (connect ECONNREFUSED 127.0.0.1:4317)', retryAfterMs: null }],
  ['408: central timed the request out', answer(408), { kind: 'retryable', status: 408, reason: 'central answered 408', retryAfterMs: null }],
  ['429 with Retry-After in seconds', answer(429, '3'), { kind: 'retryable', status: 429, reason: 'central answered 429 (retry after 3 s)', retryAfterMs: 3_000 }],
  ['503 with Retry-After as an HTTP date', answer(503, new Date(NOW + 5_000).toUTCString()), { kind: 'retryable', status: 503, reason: `central answered 503 (retry after ${new Date(NOW + 5_000).toUTCString()})`, retryAfterMs: 5_000 }],
  ['500 without Retry-After', answer(500), { kind: 'retryable', status: 500, reason: 'central answered 500', retryAfterMs: null }],
  ['an unreadable Retry-After is no wait', answer(502, 'soon'), { kind: 'retryable', status: 502, reason: 'central answered 502 (retry after soon)', retryAfterMs: null }],
  ['403 is refused with central\'s reason', answer(403, undefined, JSON.stringify({ error: 'link revoked' })), { kind: 'refused', status: 403, reason: 'link revoked' }],
  ['400 with a { message } body', answer(400, undefined, JSON.stringify({ message: 'body: not gzip' })), { kind: 'refused', status: 400, reason: 'body: not gzip' }],
  ['413 with a body that is not JSON', answer(413, undefined, 'too large'), { kind: 'refused', status: 413, reason: 'too large' }],
  ['a 3xx is refused (redirects are not followed)', answer(301, undefined, ''), { kind: 'refused', status: 301, reason: '' }],
];

for (const [name, given, expected] of cases) {
  test(`classifyAnswer: ${name}`, () => {
    assert.deepEqual(classifyAnswer(given, NOW), expected);
  });
}

test('classifyAnswer: a refusal\'s reason is at most 300 characters', () => {
  const outcome = classifyAnswer(answer(400, undefined, 'x'.repeat(1_000)), NOW);
  assert.equal(outcome.kind === 'refused' && outcome.reason.length, 300);
});
