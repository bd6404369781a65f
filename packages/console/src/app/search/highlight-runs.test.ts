import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { FilterSyntaxError, parseFilter } from '@stitch/query';
import { highlightRuns } from './highlight-runs.ts';

/** What a person sees: each coloured piece with its colour, the blanks left out. */
const coloured = (text: string) =>
  highlightRuns(text, null)
    .filter((run) => run.cls !== null)
    .map((run) => `${run.text}:${run.cls}`);

describe('highlightRuns colours both dialects by what each token is', () => {
  const cases: Array<[string, string[]]> = [
    [
      'duration > 8 AND service("payments") { fault }',
      ['duration:field', '>:operator', '8:number', 'AND:logic', 'service:function', '(:punct', '"payments":string', '):punct', '{:punct', 'fault:keyword', '}:punct'],
    ],
    [
      '{ span.db.system = "redis" && duration > 50ms } || { status = error }',
      ['{:punct', 'span.:scope', 'db.system:attribute', '=:operator', '"redis":string', '&&:logic', 'duration:field', '>:operator', '50ms:number', '}:punct', '||:logic', '{:punct', 'status:field', '=:operator', 'error:keyword', '}:punct'],
    ],
    ['{ resource.service.name = "a" } >> { kind = server }', ['{:punct', 'resource.:scope', 'service.name:attribute', '=:operator', '"a":string', '}:punct', '>>:structural', '{:punct', 'kind:field', '=:operator', 'server:keyword', '}:punct']],
    ['{ } | by(resource.service.name) | count() > 2', ['{:punct', '}:punct', '|:punct', 'by:function', '(:punct', 'resource.:scope', 'service.name:attribute', '):punct', '|:punct', 'count:function', '(:punct', '):punct', '>:operator', '2:number']],
    ['{ .region =~ `eu-.*` && span:name != nil }', ['{:punct', '.:scope', 'region:attribute', '=~:operator', '`eu-.*`:string', '&&:logic', 'span::scope', 'name:field', '!=:operator', 'nil:keyword', '}:punct']],
    ['trace:duration > 2s AND trace.status = fault', ['trace::scope', 'duration:field', '>:operator', '2s:number', 'AND:logic', 'trace.status:field', '=:operator', 'fault:keyword']],
    ['annotation.order_id = "o-42" OR span."cart items" >= 2', ['annotation.:scope', 'order_id:attribute', '=:operator', '"o-42":string', 'OR:logic', 'span.:scope', '"cart items":attribute', '>=:operator', '2:number']],
    ['NOT peer("api.stripe.com") and http.status >= 500', ['NOT:logic', 'peer:function', '(:punct', '"api.stripe.com":string', '):punct', 'and:logic', 'http.status:field', '>=:operator', '500:number']],
    ['http.url CONTAINS "/pay" AND db.system = "redis"', ['http.url:field', 'CONTAINS:operator', '"/pay":string', 'AND:logic', 'db.system:attribute', '=:operator', '"redis":string']],
  ];
  for (const [text, expected] of cases) it(text, () => assert.deepEqual(coloured(text), expected));

  it('tells a structural > < !~ (after a span set or a group) from a comparison (after a field or count())', () => {
    assert.deepEqual(coloured('{ } > { } < { }').filter((piece) => !piece.endsWith('punct')), ['>:structural', '<:structural']);
    assert.deepEqual(coloured('({ } &>> { }) !~ { .a !~ "x" }').filter((piece) => /structural|operator/.test(piece)), ['&>>:structural', '!~:structural', '!~:operator']);
    assert.deepEqual(coloured('{ } | avg(duration) < 1s').filter((piece) => /structural|operator/.test(piece)), ['<:operator']);
    assert.deepEqual(coloured('{ } !>> { } ~ { }').filter((piece) => /structural/.test(piece)), ['!>>:structural', '~:structural']);
  });

  it('keeps colouring while a string is still open or a character is refused', () => {
    assert.deepEqual(coloured('name = "chec'), ['name:field', '=:operator', '"chec:string']);
    assert.deepEqual(coloured('{ . } && fault'), ['{:punct', '.:invalid', '}:punct', '&&:logic', 'fault:keyword']);
    assert.deepEqual(coloured('name = "a\\q" OR x'), ['name:field', '=:operator', '"a\\q" OR x:string']);
  });

  it('gives back the typed text exactly, blanks included, so it lies under the input', () => {
    for (const text of ['', '   ', ' {  span.a=1}|count()>2 ', 'x = "unclosed', 'a\tb', '{ . }', 'name = `raw', '"\\u00e9"']) {
      assert.equal(
        highlightRuns(text, null)
          .map((run) => run.text)
          .join(''),
        text,
      );
    }
  });
});

describe('highlightRuns underlines the parser\u2019s column at fault', () => {
  const underlined = (text: string) => {
    let column: number | null = null;
    try {
      parseFilter(text);
    } catch (error) {
      column = (error as FilterSyntaxError).column;
    }
    const runs = highlightRuns(text, column);
    return { column, underlined: runs.filter((run) => run.atFault).map((run) => run.text), text: runs.map((run) => run.text).join('') };
  };

  it('the token at fault', () => assert.deepEqual(underlined('duration > 8 AND servce("x")'), { column: 18, underlined: ['servce'], text: 'duration > 8 AND servce("x")' }));
  it('a blank cell after the text, when the expression stops short', () => assert.deepEqual(underlined('duration >'), { column: 11, underlined: [' '], text: 'duration > ' }));
  it('the string that is not closed', () => assert.deepEqual(underlined('name = "chec'), { column: 8, underlined: ['"chec'], text: 'name = "chec' }));
  it('nothing when the expression parses', () => assert.deepEqual(underlined('{ status = error }'), { column: null, underlined: [], text: '{ status = error }' }));
});
