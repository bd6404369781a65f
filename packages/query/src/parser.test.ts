import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { FilterSyntaxError } from './filter-syntax-error.ts';
import { parseFilter } from './parser.ts';
import { filterText } from './filter-text.ts';
import type { FilterExpr } from './ast.ts';

/** A compact rendering of the tree, so the table shows structure and types at a glance. */
function show(expr: FilterExpr): string {
  switch (expr.type) {
    case 'and':
    case 'or':
      return `(${show(expr.left)} ${expr.type} ${show(expr.right)})`;
    case 'not':
      return `not ${show(expr.expr)}`;
    case 'flag':
      return expr.flag;
    case 'service':
      return `service[${expr.service}]${expr.body ? `{${show(expr.body)}}` : ''}`;
    case 'edge':
      return `edge[${expr.from}->${expr.to}]${expr.body ? `{${show(expr.body)}}` : ''}`;
    case 'peer':
      return `peer[${expr.name}${expr.account === null ? '' : `@${expr.account}`}]`;
    case 'compare': {
      const field = expr.field === 'annotation' ? `annotation[${expr.key}]` : expr.field === 'attribute' ? `${expr.scope}[${expr.key}]` : expr.field;
      const value = typeof expr.value === 'bigint' ? `${expr.value}ns` : expr.value === null ? 'nil' : JSON.stringify(expr.value);
      return `${field} ${expr.op} ${value}`;
    }
    case 'traceStatus':
      return `trace.status ${expr.op} ${expr.value}`;
    case 'traceRoot':
      return `trace.root.${expr.field} ${expr.op} ${JSON.stringify(expr.value)}`;
    case 'spanSet':
      return expr.body === null ? '{}' : `{${show(expr.body)}}`;
    case 'pipeline':
    case 'structure':
      return `[${filterText(expr)}]`;
  }
}

describe('parseFilter: valid expressions', () => {
  const cases: Array<[string, string]> = [
    ['duration > 8', 'duration > 8000000000ns'],
    ['responsetime >= 2', 'responsetime >= 2000000000ns'],
    ['duration > 200ms', 'duration > 200000000ns'],
    ['duration <= 1.5m', 'duration <= 90000000000ns'],
    ['duration < .5', 'duration < 500000000ns'],
    ['http.status = 500', 'http.status = 500'],
    ['http.status == 429', 'http.status = 429'],
    ['http.url CONTAINS "/v1/place-order"', 'http.url contains "/v1/place-order"'],
    ['http.method = "POST"', 'http.method = "POST"'],
    ["http.route beginswith '/v1'", 'http.route beginswith "/v1"'],
    ['name ENDSWITH "call"', 'name endswith "call"'],
    ['kind = "CLIENT"', 'kind = "client"'],
    ['fault', 'fault'],
    ['error OR throttle', '(error or throttle)'],
    ['NOT ok', 'not ok'],
    ['!fault', 'not fault'],
    ['service("payments")', 'service[payments]'],
    ['service("payments") { fault }', 'service[payments]{fault}'],
    ['service("payments") { duration > 2 AND name = "Stripe API call" }', 'service[payments]{(duration > 2000000000ns and name = "Stripe API call")}'],
    ['edge("checkout-orchestrator", "pricing")', 'edge[checkout-orchestrator->pricing]'],
    ['edge("a", "b") { http.status >= 500 }', 'edge[a->b]{http.status >= 500}'],
    ['peer("api.stripe.com")', 'peer[api.stripe.com]'],
    ['PEER("orders", "777777777777") OR peer("127.0.0.1:33103")', '(peer[orders@777777777777] or peer[127.0.0.1:33103])'],
    ['service("payments") { peer("api.stripe.com") AND fault }', 'service[payments]{(peer[api.stripe.com] and fault)}'],
    ['annotation.order_id = "o-42"', 'annotation[order_id] = "o-42"'],
    ['annotation.retries >= 3', 'annotation[retries] >= 3'],
    ['annotation.vip = true', 'annotation[vip] = true'],
    ['annotation.Customer.Tier != "gold"', 'annotation[Customer.Tier] != "gold"'],
    ['account = "payments"', 'account = "payments"'],
    ['fault AND duration > 8 OR error', '((fault and duration > 8000000000ns) or error)'],
    ['fault and (duration > 8 or error)', '(fault and (duration > 8000000000ns or error))'],
    ['NOT (fault OR error) AND service("x")', '(not (fault or error) and service[x])'],
    ['http.url = "say \\"hi\\" \\u00e9"', 'http.url = "say \\"hi\\" é"'],
    ['trace.status = fault', 'trace.status = fault'],
    ['TRACE.STATUS != OK', 'trace.status != ok'],
    ['trace.status == "unknown"', 'trace.status = unknown'],
    ['trace.status = ok AND fault', '(trace.status = ok and fault)'],
    ['NOT trace.status = error', 'not trace.status = error'],
    // Any attribute: scoped, either (TraceQL's dot), or a dotted name X-Ray has no field for.
    ['db.system = "postgresql"', 'any[db.system] = "postgresql"'],
    ['span.db.system = "postgresql"', 'span[db.system] = "postgresql"'],
    ['resource.deployment.environment != "prod"', 'resource[deployment.environment] != "prod"'],
    ['.messaging.destination.name = "ride-requests"', 'any[messaging.destination.name] = "ride-requests"'],
    ['span.http.response.status_code >= 500', 'span[http.response.status_code] >= 500'],
    ['span.retry.count > -1.5', 'span[retry.count] > -1.5'],
    ['span.cache.hit = false', 'span[cache.hit] = false'],
    ['span.db.statement = nil', 'span[db.statement] = nil'],
    ['.user.id != nil', 'any[user.id] != nil'],
    ['span."cart items" = 3', 'span[cart items] = 3'],
    ['resource.\'k8s pod\' = "a"', 'resource[k8s pod] = "a"'],
    ['span.Mixed.Case = "X"', 'span[Mixed.Case] = "X"'],
    // Regular expressions, case, and TraceQL's spellings.
    ['http.url =~ `https://api\\.stripe\\.com/.*`', 'http.url =~ "https://api\\\\.stripe\\\\.com/.*"'],
    ['http.url =~ "https://api\\\\.stripe\\\\.com/.*"', 'http.url =~ "https://api\\\\.stripe\\\\.com/.*"'],
    ['name !~ `(?i)health.*`', 'name !~ "(?i)health.*"'],
    ['span.db.system =~ "post.*|mysql"', 'span[db.system] =~ "post.*|mysql"'],
    ['http.method = "post"', 'http.method = "post"'],
    ['(fault && duration > 8) || error', '((fault and duration > 8000000000ns) or error)'],
    ['fault AND duration > 8 || error', '((fault and duration > 8000000000ns) or error)'],
    // Span sets: the conditions of one { } hold on one span.
    ['{ span.http.status_code >= 500 && resource.service.name = "fare" }', '{(span[http.status_code] >= 500 and service = "fare")}'],
    // The span's service is a column of its own: compared as text, resource.service.name and .service.name are it.
    ['.service.name =~ "fa.*" or span.service.name = "x"', '(service =~ "fa.*" or span[service.name] = "x")'],
    ['resource.service.name = nil or resource.service.name != 3', '(resource[service.name] = nil or resource[service.name] != 3)'],
    ['{ status = error } && { kind = server }', '({status = "error"} and {kind = "server"})'],
    ['{ span:status = ERROR || statusMessage = "boom" }', '{(status = "error" or status.message = "boom")}'],
    ['{ duration > 1s && span:name = "GET /" }', '{(duration > 1000000000ns and name = "GET /")}'],
    ['{ }', '{}'],
    ['!{ .x = 1 }', 'not {any[x] = 1}'],
    ['span:duration > 2s', '{duration > 2000000000ns}'],
    // Trace-level conditions in braces are lifted out of them.
    ['{ trace:duration > 2s }', 'duration > 2000000000ns'],
    ['{ name = "x" && traceDuration < 1s && trace.status = ok }', '(({name = "x"} and duration < 1000000000ns) and trace.status = ok)'],
    ['service("a") { fault AND trace.status = ok }', '(service[a]{fault} and trace.status = ok)'],
    // Pipelines: aggregates per trace, by a field, after TraceQL's other stages.
    ['{ span.http.status_code >= 200 && span.http.status_code < 300 } | count() > 2', '[{ span.http.status_code >= 200 AND span.http.status_code < 300 } | count() > 2]'],
    ['count() > 10', '[{ } | count() > 10]'],
    ['avg(duration) > 20ms', '[{ } | avg(duration) > 20000000ns]'],
    ['{ } | sum(span.bytesProcessed) > 1000000000', '[{ } | sum(span.bytesProcessed) > 1000000000]'],
    ['{ status = error } | by(resource.service.name) | count() > 1', '[{ status = "error" } | by(resource.service.name) | count() > 1]'],
    ['{ span.foo = "bar" } | { kind = client } | by(span:name) | max(.rows) >= 3 | min(duration) < 1', '[{ span.foo = "bar" AND kind = "client" } | by(name) | max(.rows) >= 3 | min(duration) < 1000000000ns]'],
    ['({ name = "a" } | count() > 1) && { name = "b" }', '([{ name = "a" } | count() > 1] and {name = "b"})'],
    ['{ .env = "production" && trace:duration > 2s } | count() > 30', '([{ .env = "production" } | count() > 30] and duration > 2000000000ns)'],
    // Stages that select nothing more: a span set; TraceQL's hints are accepted.
    ['{ status = error } | select(span.http.status_code, span.http.url)', '{status = "error"}'],
    ['{ status = error } | by(name) | coalesce()', '{status = "error"}'],
    ['{} with (most_recent=true)', '{}'],
    // Ids, leading zeros optional.
    ['{ span:id = "00F067AA0BA902B7" }', '{span:id = "00f067aa0ba902b7"}'],
    ['{ trace:id = "1234" } && { span:parentID != "1" }', '({trace:id = "00000000000000000000000000001234"} and {span:parentID != "0000000000000001"})'],
    // TraceQL's bare boolean attribute, string order, and the integer extremes.
    ['{ span.cache.hit || span.http.status_code = 500 }', '{(span[cache.hit] = true or span[http.status_code] = 500)}'],
    ['{ span.http.status_code >= "400" }', '{span[http.status_code] >= "400"}'],
    ['{ span.value != minInt && span.value != maxInt }', '{(span[value] != -9223372036854776000 and span[value] != 9223372036854776000)}'],
    // The root's name and service, about the trace; the instrumentation scope.
    ['trace:rootName = "GET /"', 'trace.root.name = "GET /"'],
    ['{ rootServiceName =~ "front.*" && kind = server }', '({kind = "server"} and trace.root.service =~ "front.*")'],
    ['{ instrumentation:name = "@opentelemetry/instrumentation-pg" }', '{scope.name = "@opentelemetry/instrumentation-pg"}'],
    // Structure: spans related to others of the trace.
    ['{ resource.service.name="frontend" } >> { status = error }', '[{ resource.service.name = "frontend" } >> { status = "error" }]'],
    ['{ } !< { resource.service.name = "productcatalogservice" }', '[{ } !< { resource.service.name = "productcatalogservice" }]'],
    ['{ .a = 1 } ~ { .b = 2 }', '[{ .a = 1 } ~ { .b = 2 }]'],
    ['{ span.http.url = "/api" && status = error } &>> { status = error }', '[{ span.http.url = "/api" AND status = "error" } &>> { status = "error" }]'],
    ['{ name = "a" } >> { name = "b" } > { name = "c" }', '[{ name = "a" } >> { name = "b" } > { name = "c" }]'],
    ['{ name = "a" } >> ({ name = "b" } !> { name = "c" })', '[{ name = "a" } >> ({ name = "b" } !> { name = "c" })]'],
    ['({ name = "a" } &< { }) !~ { name = "c" }', '[{ name = "a" } &< { } !~ { name = "c" }]'],
    ['{ name = "a" } && { name = "b" } << { name = "c" }', '({name = "a"} and [{ name = "b" } << { name = "c" }])'],
    ['{ span.foo = "bar" } >> { status = error } with (most_recent=true)', '[{ span.foo = "bar" } >> { status = "error" }]'],
    // Arithmetic on literal numbers, folded: ^ first (right to left), then * / %, then + -.
    ['{ span.http.request_content_length > 10 * 1024 * 1024 }', '{span[http.request_content_length] > 10485760}'],
    ['span.n = 2 ^ 3 ^ 2 - 10 -2 and span.m < 7 % 4 + 1 / 2', '(span[n] = 500 and span[m] < 3.5)'],
    // Events and links: one of the span's meets each condition.
    ['{ event:name = "exception" && event.exception.type =~ "Time.*" }', '{(event:name = "exception" and event[exception.type] =~ "Time.*")}'],
    ['event.exception.escaped = true or event.attempt >= 2 or event.x = nil', '((event[exception.escaped] = true or event[attempt] >= 2) or event[x] = nil)'],
    ['{ event:timeSinceStart > -5s } && { event:timeSinceStart <= 2ms }', '({event:timeSinceStart > -5000000000ns} and {event:timeSinceStart <= 2000000ns})'],
    ['link:traceID = "1234" and LINK:SPANID != "00F067AA0BA902B7"', '(link:traceID = "00000000000000000000000000001234" and link:spanID != "00f067aa0ba902b7")'],
    ['{ link.messaging.operation = "receive" && kind = consumer }', '{(link[messaging.operation] = "receive" and kind = "consumer")}'],
    // Children: how many spans name this one as their parent.
    ['{ span:childCount > 3 && kind = server } || SPAN:CHILDCOUNT = 0', '({(span:childCount > 3 and kind = "server")} or span:childCount = 0)'],
  ];
  for (const [input, expected] of cases) {
    test(input, () => assert.equal(show(parseFilter(input)), expected));
  }
});

describe('parseFilter: errors point at the column', () => {
  const cases: Array<[string, number, RegExp]> = [
    ['', 1, /expected a condition/],
    ['duration >', 11, /expected a duration/],
    ['duration > "8"', 12, /expected a duration/],
    ['duration > 8 parsecs', 14, /expected AND, OR or the end/],
    ['duration > 8x', 12, /unknown duration unit "x"/],
    ['duration CONTAINS 8', 10, /cannot be compared with CONTAINS/],
    ['http.status = 5xx', 15, /HTTP status code/],
    ['http.status = 50.5', 15, /HTTP status code/],
    ['http.url > "a"', 10, /cannot be compared with >/],
    ['http.url = 5', 12, /string in quotes/],
    ['colour = "red"', 1, /unknown field "colour"/],
    ['fault AND', 10, /expected a condition/],
    ['(fault', 7, /closing "\)"/],
    ['fault)', 6, /expected AND, OR or the end/],
    ['service(payments)', 9, /service name in quotes/],
    ['service("payments") { fault', 28, /closing "}"/],
    ['service("a") { service("b") }', 16, /cannot be used inside braces/],
    ['edge("a") ', 9, /","/],
    ['peer(stripe)', 6, /peer name in quotes/],
    ['peer("a", "b", "c")', 14, /closing "\)" after the peer/],
    ['peer = "a"', 1, /unknown field "peer"/],
    ['name = "open', 8, /string not closed/],
    ['name = "bad \\q"', 13, /unknown escape/],
    ['duration > 8 & fault', 14, /unexpected character "&"/],
    ['{ fault || ok && error }', 9, /&& and \|\| together need parentheses/],
    ['fault && ok || error', 7, /&& and \|\| together need parentheses/],
    ['name =~ "(unclosed"', 9, /invalid regular expression .*missing closing \)/],
    ['name =~ `(a)\\1`', 9, /invalid regular expression/],
    [`name =~ "${'a'.repeat(600)}"`, 9, /longer than 512/],
    ['duration =~ "1"', 10, /cannot be compared with =~/],
    ['span.n =~ 5', 8, /cannot be compared with =~/],
    ['span.x CONTAINS nil', 8, /cannot be compared with CONTAINS/],
    ['span. = 1', 1, /expected a key after "span."/],
    ['{ instrumentation.language = "java" }', 3, /instrumentation\.… attributes are not searchable yet/],
    ['event:name > "a"', 12, /cannot be compared with >/],
    ['event:timeSinceStart > "1"', 24, /expected a duration/],
    ['link:spanID = "xyz"', 15, /expected an id of up to 16 hex digits/],
    ['event:time > 1', 1, /event:time is not searchable \(known: event:name, event:timeSinceStart/],
    ['span:childCount > -1', 19, /expected a count of child spans/],
    ['span:childCount >= 1.5', 20, /expected a count of child spans/],
    ['span:childCount = "2"', 19, /expected a count of child spans/],
    ['span:childCount CONTAINS 2', 17, /cannot be compared with CONTAINS/],
    ['{ } | by(event.exception.type) | count() > 1', 10, /many events, so their attributes can be compared .*, not grouped by, aggregated or listed by value/],
    ['{ } | max(link.batch.index) > 1', 11, /many links/],
    ['duration > -1s', 12, /out of range/],
    ['span.n > 1 / 0', 10, /1… is not a finite number/],
    ['span.n > 2 * 3s', 14, /expected a plain number after \*, found the number 3s/],
    ['span.n > 3 +', 13, /expected a plain number after \+, found the end/],
    ['duration > 1 * 2', 14, /expected AND, OR or the end of the expression, found "\*"/],
    ['name >= "a"', 6, /name cannot be compared with >=/],
    ['span:id > "1"', 9, /expected = or != after span:id/],
    ['span:id = "xyz"', 11, /expected an id of up to 16 hex digits/],
    [`trace:id = "${'1'.repeat(33)}"`, 12, /up to 32 hex digits/],
    ['span."" = 1', 1, /expected a key/],
    ['status = broken', 10, /not a span status/],
    ['{ fault', 8, /closing "}"/],
    ['{ { fault } }', 3, /cannot be used inside braces/],
    ['{ service("a") }', 3, /cannot be used inside braces/],
    ['{ fault || trace:duration > 1s }', 12, /can only be joined with AND/],
    ['{ !(trace.status = ok) }', 5, /can only be joined with AND/],
    ['duration > -1', 12, /out of range/],
    ['{ name = "a" } && { name = "b" } | count() > 1', 34, /a pipeline \(\|\) takes one \{ \} span set/],
    ['{ } | count() > "x"', 17, /expected a number after >/],
    ['{ } | avg() > 1', 11, /expected what avg\(\) aggregates/],
    ['{ } | bogus()', 7, /expected a pipeline stage/],
    ['{ } | count() > 1 | by(name)', 21, /by\(\) must come before the aggregates/],
    ['{ } | count() > 1s', 17, /plain number, not 1s/],
    ['{ } | avg(duration) > 1parsec', 23, /unknown duration unit "parsec"/],
    ['{ } | by(duration) | count() > 1', 10, /not a text field of a span/],
    ['fault | count() > 1', 7, /a pipeline \(\|\) takes one/],
    ['count() > 1 AND fault', 13, /a pipeline ends the expression it is in/],
    ['{ } >> fault', 8, /expected a \{ \} span set after >>/],
    ['{ name = "a" && trace:duration > 1s } >> { }', 39, /relate \{ \} span sets with conditions on one span only/],
    ['({ } | count() > 1) > { }', 21, /relate \{ \} span sets/],
    ['{ } with (most_recent)', 22, /"=" after the hint most_recent/],
    ['kind = "sideways"', 8, /not a span kind/],
    ['annotation. = "x"', 1, /expected a key after "annotation\."/],
    ['annotation.vip > true', 16, /cannot be compared with >/],
    ['annotation.n CONTAINS 3', 14, /cannot be compared with CONTAINS/],
    ["name = 'it''s'", 12, /expected AND, OR or the end/],
    ['duration > 1e30', 12, /out of range/],
    ['trace.status > ok', 14, /expected = or != after trace.status/],
    ['trace.status = broken', 16, /expected a trace status .*ok, error, fault, unknown/],
    ['trace.status = throttle', 16, /expected a trace status/],

  ];
  for (const [input, column, message] of cases) {
    test(JSON.stringify(input), () => {
      assert.throws(
        () => parseFilter(input),
        (error: unknown) => {
          assert.ok(error instanceof FilterSyntaxError, String(error));
          assert.match(error.message, message);
          assert.equal(error.column, column, error.message);
          return true;
        },
      );
    });
  }
});

describe('parseFilter: hostile input is refused quickly, never crashes', () => {
  test('deep nesting is limited', () => {
    assert.throws(() => parseFilter(`${'('.repeat(10_000)}fault${')'.repeat(10_000)}`), /too long|longer than|nested deeper/);
    assert.throws(() => parseFilter(`${'NOT '.repeat(40)}fault`), /nested deeper than 32/);
  });
  test('very long and very wide expressions are limited', () => {
    assert.throws(() => parseFilter('fault OR '.repeat(600) + 'fault'), /longer than 4096/);
    assert.throws(() => parseFilter(Array.from({ length: 200 }, () => 'ok').join(' OR ')), /more than 128 conditions/);
  });
  test('random byte strings either parse or raise FilterSyntaxError', () => {
    let seed = 7;
    const random = () => ((seed = (seed * 1_103_515_245 + 12_345) % 2_147_483_648) / 2_147_483_648);
    const alphabet = 'duration>< =!()"{}\\,.5sfaultANDORNOTservice edge annotation.x \u0000\u00e9';
    for (let i = 0; i < 2000; i++) {
      const text = Array.from({ length: Math.floor(random() * 40) }, () => alphabet[Math.floor(random() * alphabet.length)]).join('');
      try {
        parseFilter(text);
      } catch (error) {
        assert.ok(error instanceof FilterSyntaxError, `${JSON.stringify(text)}: ${String(error)}`);
        assert.ok(error.column >= 1 && error.column <= text.length + 1, `${JSON.stringify(text)}: column ${error.column}`);
      }
    }
  });
});
