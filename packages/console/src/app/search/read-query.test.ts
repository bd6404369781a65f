import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { readQuery } from './read-query.ts';
import { serverProblemOf } from './server-problem.ts';

describe('what the filter box holds', () => {
  const kinds: Array<[string, string]> = [
    ['', 'nothing'],
    ['5f84c7a1333333333333333333333333', 'nothing'],
    ['duration > 8 AND service("payments") { fault }', 'filter'],
    ['{ status = error } | by(resource.service.name) | count() > 1', 'filter'],
    ['{ status = error } | rate() by (resource.service.name)', 'metrics'],
    ['{ } | quantile_over_time(duration, .5, .99) by (span:name)', 'metrics'],
    ['{ } | histogram_over_time(duration)', 'metrics'],
  ];
  for (const [text, kind] of kinds) it(`${text || '(empty)'}: ${kind}`, () => assert.equal(readQuery(text).kind, kind));

  it('a metrics query broken at its end shows the metrics parser\u2019s mistake, where it is', () => {
    const reading = readQuery('{ status = error } | rate() by (resource.service.name');
    assert.equal(reading.kind === 'problem' && reading.problem.column, 54, 'just past the end, where the ) is missing');
    assert.match(reading.kind === 'problem' ? reading.problem.message : '', /closing "\)".*found the end/);
  });

  it('a filter broken in its middle shows the filter parser\u2019s mistake', () => {
    const reading = readQuery('duration > 8 AND servce("x")');
    assert.equal(reading.kind, 'problem');
    assert.equal(reading.kind === 'problem' && reading.problem.column, 18);
    assert.match(reading.kind === 'problem' ? reading.problem.message : '', /unknown field "servce"/);
  });
});

describe("central's 400 about q, as the filter box shows it", () => {
  it('keeps the message and the column, without the prefixes', () => {
    assert.deepEqual(serverProblemOf({ status: 400, message: 'q: column 7: expected a metrics function', column: 7 }), { message: 'expected a metrics function', column: 7 });
  });
  it('leaves other failures to the page', () => {
    assert.equal(serverProblemOf({ status: 400, message: 'step: must be at least 1 ms', column: null }), null);
    assert.equal(serverProblemOf({ status: 503, message: 'q: busy', column: null }), null);
    assert.equal(serverProblemOf(null), null);
  });
});
