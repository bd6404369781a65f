import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { completionSiteAt } from './completion-context.ts';
import { applyCompletion, completionsFor, worthShowing, type Discovered } from './completions.ts';

// What the discovery API tells of a window.
const FOUND: Discovered = {
  tags: [
    { name: 'span', tags: [{ name: 'db.system', count: 120 }, { name: 'http.route', count: 80 }, { name: 'cart items', count: 3 }] },
    { name: 'resource', tags: [{ name: 'service.name', count: 400 }, { name: 'region', count: 400 }] },
    { name: 'event', tags: [{ name: 'exception.type', count: 12 }] },
    { name: 'link', tags: [{ name: 'messaging.operation', count: 5 }] },
    { name: 'intrinsic', tags: [{ name: 'name', count: null }] },
  ],
  values: [
    { type: 'string', value: 'checkout', count: 9 },
    { type: 'string', value: 'checkout-orchestrator', count: 4 },
    { type: 'string', value: 'GET /a.b', count: 1 },
  ],
};
/** The API not deployed (404): only what the grammar knows. */
const NOTHING: Discovered = { tags: null, values: null };

/** `‸` marks the caret. */
const site = (marked: string) => {
  const caret = marked.indexOf('‸');
  return completionSiteAt(marked.replace('‸', ''), caret);
};
const offered = (marked: string, found = FOUND) => completionsFor(site(marked), found).map((completion) => completion.label);
const accept = (marked: string, label: string, found = FOUND) => {
  const caret = marked.indexOf('‸');
  const text = marked.replace('‸', '');
  const where = completionSiteAt(text, caret);
  const completion = completionsFor(where, found).find((candidate) => candidate.label === label);
  assert.ok(completion, `${label} is offered at ${marked}`);
  const result = applyCompletion(text, where, completion);
  return `${result.text.slice(0, result.caret)}‸${result.text.slice(result.caret)}`;
};

describe('what the list offers at the caret (‸)', () => {
  it('an empty box: a span set first, then scopes, fields, flags and X-Ray\u2019s functions', () => {
    const labels = offered('‸');
    assert.deepEqual(labels.slice(0, 10), ['{ }', 'span.', 'resource.', '.', 'event.', 'link.', 'name', 'status', 'kind', 'duration']);
    for (const label of ['span:name', 'trace:duration', 'http.status', 'trace.status', 'annotation.', 'fault', 'service()', 'edge()', 'peer()', 'NOT']) assert.ok(labels.includes(label), label);
  });

  it('inside braces: the same, without another span set or service()', () => {
    const labels = offered('{ ‸');
    assert.deepEqual(labels.slice(0, 9), ['span.', 'resource.', '.', 'event.', 'link.', 'name', 'status', 'kind', 'duration']);
    assert.ok(labels.includes('span:name') && labels.includes('peer()'));
    assert.ok(!labels.includes('{ }') && !labels.includes('service()'));
  });

  it('a field\u2019s operators, by its type', () => {
    assert.deepEqual(offered('duration ‸'), ['>', '<', '>=', '<=', '=', '!=']);
    assert.deepEqual(offered('{ status ‸'), ['=', '!=', '=~', '!~']);
    assert.deepEqual(offered('trace.status ‸'), ['=', '!=']);
    assert.deepEqual(offered('{ name ‸'), ['=', '!=', '=~', '!~', 'CONTAINS', 'BEGINSWITH', 'ENDSWITH']);
    assert.deepEqual(offered('{ span.db.system ‸'), ['=', '!=', '=~', '!~', '>', '<', '>=', '<=', 'CONTAINS', 'BEGINSWITH', 'ENDSWITH']);
    assert.deepEqual(offered('{ } | count() ‸'), ['=', '!=', '<', '<=', '>', '>=']);
  });

  it('the words an enum takes: span status, span kind, a trace\u2019s status', () => {
    assert.deepEqual(offered('{ status = ‸'), ['unset', 'ok', 'error']);
    assert.deepEqual(offered('{ span:kind != ‸'), ['internal', 'server', 'client', 'producer', 'consumer']);
    assert.deepEqual(offered('trace.status = ‸'), ['ok', 'error', 'fault', 'unknown']);
    assert.deepEqual(offered('{ status = er‸'), ['error'], 'narrowed by what is typed');
  });

  it('the window\u2019s attribute names once a scope is typed', () => {
    assert.deepEqual(offered('{ span.‸'), ['span.db.system', 'span.http.route', 'span."cart items"']);
    assert.deepEqual(offered('{ resource.se‸'), ['resource.service.name']);
    assert.deepEqual(offered('{ .‸'), ['.db.system', '.http.route', '."cart items"', '.service.name', '.region']);
    assert.deepEqual(offered('{ .sys‸'), ['.db.system'], 'a name holding what is typed');
    assert.deepEqual(offered('{ span."cart‸'), ['span."cart items"']);
    assert.deepEqual(offered('db.sy‸'), ['span.db.system'], 'X-Ray\u2019s side: a name without its scope');
    assert.deepEqual(offered('{ event.‸'), ['event.exception.type'], 'an event\u2019s: its own scope, never under `.`');
    assert.deepEqual(offered('{ link.mess‸'), ['link.messaging.operation']);
    assert.deepEqual(offered('exception.t‸'), ['event.exception.type']);
    assert.ok(!offered('{ } | by(‸').includes('event.'), 'by() takes one value per span: not an event\u2019s');
  });

  it('the window\u2019s values after `field op`, quoted; nil for an attribute', () => {
    assert.deepEqual(offered('{ resource.service.name = ‸'), ['"checkout"', '"checkout-orchestrator"', '"GET /a.b"', 'nil']);
    assert.deepEqual(offered('{ name = "chec‸'), ['"checkout"', '"checkout-orchestrator"']);
    assert.deepEqual(offered('{ name =~ "GET‸'), ['"GET /a\\\\.b"'], 'a regular expression matching exactly the value');
    assert.deepEqual(offered('service(‸'), ['"checkout"', '"checkout-orchestrator"', '"GET /a.b"']);
  });

  it('what joins a finished condition, by where it is', () => {
    assert.deepEqual(offered('{ status = error ‸'), ['&&', '||', '}', 'AND', 'OR']);
    assert.deepEqual(offered('duration > 8 ‸'), ['AND', 'OR', '&&', '||']);
    assert.deepEqual(offered('(duration > 8 ‸'), ['AND', 'OR', '&&', '||', ')']);
    assert.deepEqual(offered('service("payments") ‸'), ['{ }', 'AND', 'OR', '&&', '||']);
    const afterSet = offered('{ status = error } ‸');
    assert.deepEqual(afterSet.slice(0, 7), ['&&', '||', '>>', '>', '<<', '<', '~']);
    for (const label of ['!>>', '&~', '|', 'AND', 'OR']) assert.ok(afterSet.includes(label), label);
    assert.ok(!offered('{ } >> { } ‸').includes('|') && !offered('{ } && { } ‸').includes('|'), 'a pipeline takes one span set');
    assert.deepEqual(offered('{ } | count() > 2 ‸'), ['|']);
    assert.deepEqual(offered('{ } >> ‸'), ['{ }']);
  });

  it('a pipeline\u2019s stages and what they take', () => {
    const metrics = ['rate()', 'count_over_time()', 'avg_over_time()', 'min_over_time()', 'max_over_time()', 'sum_over_time()', 'quantile_over_time()', 'histogram_over_time()'];
    assert.deepEqual(offered('{ } | ‸'), ['count()', 'avg()', 'min()', 'max()', 'sum()', 'by()', 'coalesce()', 'select()', '{ }', ...metrics]);
    assert.deepEqual(offered('{ } | by(name) | ‸'), ['count()', 'avg()', 'min()', 'max()', 'sum()', 'by()', 'coalesce()', 'select()', '{ }'], 'a metrics function follows the span set alone');
    // Fields the parser gains later (filter-vocabulary.ts) come after these.
    assert.deepEqual(offered('{ } | by(‸').slice(0, 11), ['span.', 'resource.', '.', 'name', 'status', 'kind', 'statusMessage', 'http.method', 'http.route', 'http.url', 'status.message']);
    assert.deepEqual(offered('{ } | by(resource.‸'), ['resource.service.name', 'resource.region']);
    assert.deepEqual(offered('{ } | avg(‸'), ['duration', 'span.', 'resource.', '.']);
  });

  it('a metrics query: the number its function takes, then its grouping, when asked for', () => {
    assert.deepEqual(offered('{ } | quantile_over_time(‸'), ['duration', 'span.', 'resource.', '.']);
    assert.deepEqual(offered('{ } | rate(‸'), []);
    assert.equal(site('{ } | rate() ‸').eager, false, 'the query may end here: the list waits to be asked');
    assert.deepEqual(offered('{ } | rate() ‸'), ['by()']);
    assert.deepEqual(offered('{ } | rate() by (resource.‸'), ['resource.service.name', 'resource.region']);
  });

  it('X-Ray\u2019s words, typed', () => {
    assert.deepEqual(offered('duration > 8 AND serv‸').slice(0, 2), ['service()', 'resource.service.name'], 'the function, then a name holding it');
    assert.deepEqual(offered('duration > 8 an‸'), ['AND']);
    assert.deepEqual(offered('http.st‸'), ['http.status']);
  });

  it('without the discovery API (404), the grammar\u2019s completions are all there', () => {
    assert.deepEqual(offered('{ ‸', NOTHING), offered('{ ‸', FOUND));
    assert.deepEqual(offered('{ status = ‸', NOTHING), ['unset', 'ok', 'error']);
    assert.deepEqual(offered('{ span.‸', NOTHING), []);
    assert.deepEqual(offered('{ span.db = ‸', NOTHING), ['nil']);
  });
});

describe('when the list opens by itself', () => {
  const opens = (marked: string) => {
    const where = site(marked);
    return where.eager && worthShowing(where, completionsFor(where, FOUND));
  };
  it('where the expression cannot end yet', () => {
    for (const marked of ['{ ‸', '{ span.‸', '{ name ‸', '{ name = ‸', '{ } | ‸', '{ } >> ‸', 'service(‸', 'duration > 8 AND ‸']) assert.equal(opens(marked), true, marked);
  });
  it('not after a finished condition (Enter searches), nor on a word typed in full', () => {
    for (const marked of ['duration > 8‸', 'duration > 8 ‸', '{ status = error‸', '{ status = error } ‸', 'fault‸', '{ name = "checkout"‸']) assert.equal(opens(marked), false, marked);
  });
});

describe('accepting a completion writes it as the language wants', () => {
  const cases: Array<[string, string, string]> = [
    ['{‸', 'name', '{ name ‸'],
    ['{ ‸', 'span.', '{ span.‸'],
    ['{ span.‸', 'span.db.system', '{ span.db.system ‸'],
    ['{ span.d‸b }', 'span.db.system', '{ span.db.system ‸}'],
    ['{ span.‸', 'span."cart items"', '{ span."cart items" ‸'],
    ['{ .‸ }', '.region', '{ .region ‸}'],
    ['{ name ‸', '=~', '{ name =~ ‸'],
    ['{ status =‸', 'error', '{ status = error‸'],
    ['{ name = "chec‸', '"checkout"', '{ name = "checkout"‸'],
    ['{ name = "che‸ck" }', '"checkout"', '{ name = "checkout"‸ }'],
    ['{ name =~ ‸', '"GET /a\\\\.b"', '{ name =~ "GET /a\\\\.b"‸'],
    ['service(‸', '"checkout"', 'service("checkout"‸'],
    ['duration > 8 AND serv‸', 'service()', 'duration > 8 AND service(‸'],
    ['{ }‸', '>>', '{ } >> ‸'],
    ['{ } | ‸', 'count()', '{ } | count() ‸'],
    ['{ } | ‸', 'by()', '{ } | by(‸'],
    ['{ status = error } | ra‸', 'rate()', '{ status = error } | rate() ‸'],
    ['{ } | histogram‸', 'histogram_over_time()', '{ } | histogram_over_time(duration) ‸'],
    ['{ } | rate() ‸', 'by()', '{ } | rate() by (‸'],
    ['‸', '{ }', '{ ‸'],
  ];
  for (const [before, label, after] of cases) it(`${before}  + ${label}  → ${after}`, () => assert.equal(accept(before, label), after));
});
