import { test } from 'node:test';
import assert from 'node:assert/strict';
import { journeyInputSchema } from './journey.ts';

const valid = { name: 'checkout', everySeconds: 60, steps: [{ name: 'place order', method: 'POST', url: 'https://shop.example/checkout', body: '{}', assertions: [{ status: 200 }, { maxDurationMs: 2000 }] }] };

/** The path of the first issue zod finds, as the API's 400 names it. */
function fieldAtFault(input: unknown): string | null {
  const parsed = journeyInputSchema.safeParse(input);
  return parsed.success ? null : parsed.error.issues[0]!.path.join('.');
}

test('a journey with steps and assertions is accepted', () => {
  assert.equal(fieldAtFault(valid), null);
});

const step = valid.steps[0]!;
const bad: Array<[string, unknown, string]> = [
  ['a file URL (central would read its own disk)', { ...valid, steps: [{ ...step, url: 'file:///etc/passwd' }] }, 'steps.0.url'],
  ['a URL with credentials', { ...valid, steps: [{ ...step, url: 'http://user:secret@shop.example/' }] }, 'steps.0.url'],
  ['a relative URL', { ...valid, steps: [{ ...step, url: '/checkout' }] }, 'steps.0.url'],
  ['a trace header the runner writes', { ...valid, steps: [{ ...step, headers: { TraceParent: '00-…' } }] }, 'steps.0.headers'],
  ['an unknown method', { ...valid, steps: [{ ...step, method: 'TRACE' }] }, 'steps.0.method'],
  ['an unknown assertion', { ...valid, steps: [{ ...step, assertions: [{ statusIn: [200] }] }] }, 'steps.0.assertions.0'],
  ['no steps', { ...valid, steps: [] }, 'steps'],
  ['a run more often than once a second', { ...valid, everySeconds: 0.5 }, 'everySeconds'],
  ['a name with a slash', { ...valid, name: 'a/b' }, 'name'],
  ['an unknown field', { ...valid, owner: 'me' }, ''],
  ['a timeout over a minute', { ...valid, steps: [{ ...step, timeoutMs: 3_600_000 }] }, 'steps.0.timeoutMs'],
];
for (const [what, input, field] of bad) {
  test(`refused, naming ${field || 'the body'}: ${what}`, () => {
    assert.equal(fieldAtFault(input), field);
  });
}
