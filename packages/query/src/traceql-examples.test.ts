import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { FilterSyntaxError } from './filter-syntax-error.ts';
import { filterText } from './filter-text.ts';
import { parseFilter, parseMetricsQuery } from './parser.ts';

// The queries of Grafana Tempo's TraceQL documentation ("Construct a TraceQL query", its
// intrinsics table and inline examples): the subset this language takes, stated by example.

/** Every one parses, and its text as written back parses to the same tree. */
const TAKEN = [
  '{ }',
  '{ span.http.status_code >= 200 && span.http.status_code < 300 } | count() > 2',
  '{resource.service.name = "frontend" && name = "POST /api/orders"}',
  '{ resource.service.namespace = "ecommerce" && resource.service.name = "frontend" && resource.deployment.environment = "production" && name = "POST /api/orders" }',
  '{ resource.service.name="frontend" && name = "POST /api/orders" && status = error }',
  '{ resource.service.name="frontend" && name = "POST /api/orders" && span.http.status_code >= 500 }',
  '{span.service.name="frontend" && name = "GET /api/products/{id}"} && {span.db.system="postgresql"}',
  '{ resource.deployment.environment = "production" } && { resource.deployment.environment = "staging" }',
  '{ span.foo = "bar" }',
  '{ span.foo != "bar" }',
  '{ span.http.request.header.Accept =~ "application.*" }',
  '{ span.http.request.header.Accept !~ "application.*" }',
  '{ resource.service.name="frontend" } >> { status = error }',
  '{ } !< { resource.service.name = "productcatalogservice" }',
  '{ resource.service.name = "productcatalogservice" } ~ { resource.service.name="frontend" }',
  '{ span.http.status_code = 200 } | select(resource.service.name)',
  '{ resource.deployment.environment = "production" } && { span.http.status_code = 200 }',
  '{ span.http.method = "GET" && status = ok } && { span.http.method = "DELETE" && status != ok }',
  '{ resource.deployment.environment =~ "prod-.*" && span.http.status_code = 200 }',
  '{ trace:duration > 5s }',
  '{ resource.deployment.environment = "production" && trace:duration > 2s } | count() > 30',
  '{ span:name = "foo" }',
  '{ trace:id = "1234" }',
  '{ resource.foo = "bar" }',
  '{ resource.k8s.cluster.name="service-name" && trace:rootName !~ ".*perf.*"}',
  '{ span.http.method = "GET" }',
  '{ resource.deployment.environment = "production" }',
  '{ span.db.system =~ "postgresql|mysql" }',
  '{ span."attribute name with space" = "value" }',
  '{ span.attribute."attribute name with space" = "value" }',
  '{ span.http.status_code = 200 }',
  '{ span.retry_count > -1 }',
  '{ span.value != minInt && span.value != maxInt }',
  '{ span:duration > 100ms }',
  '{ span.value > 1.5 }',
  '{ span.optional_field = nil }',
  '{ span.required_field != nil }',
  '{ span.cache.hit = true }',
  '{ span.http.status_code >= 400 && span.http.status_code < 500 }',
  '{ span.http.status_code >= "400" }',
  '{ span.http.method =~ "DELETE|GET" }',
  '{ span.any_attribute != nil }',
  '{ span.any_attribute = nil }',
  '{ resource.service.version = nil }',
  '{ span.http.status_code >= 200 && span.http.status_code < 300 }',
  '{ span.http.method = "DELETE" && status != ok }',
  '{ span.cache.hit || span.http.status_code = 500 }',
  '{ span.cache.hit = true || span.http.status_code = 500 }',
  '{ resource.cloud.region = "us-east-1" } && { resource.cloud.region = "us-west-1" }',
  '{ resource.cloud.region = "us-east-1" && resource.cloud.region = "us-west-1" }',
  '{ resource.cloud.region = "us-east-1" } || { resource.cloud.region = "us-west-1" }',
  '{ resource.cloud.region =~ "us-east-1|us-west-1" }',
  '{ span.http.url = "/path/of/api" } >> { span.db.name = "db-shard-001" }',
  '{ span.http.url = "/path/of/api" && status = error } &>> { status = error }',
  '{ } !< { resource.service.name = "foo" }',
  '{ status = error } !< { status = error }',
  'count() > 10',
  'avg(duration) > 20ms',
  '{ span.http.status_code = 200 } | count() > 3',
  '{ } | sum(span.bytesProcessed) > 1000000000',
  '{ status = error } | by(resource.service.name) | count() > 1',
  '{ status = error } | select(span.http.status_code, span.http.url)',
  '{} with (most_recent=true)',
  '{ span.foo = "bar" } >> { status = error } with (most_recent=true)',
  '{ span:status = ok }',
  '{ span:statusMessage = "Forbidden" }',
  '{ span:name = "HTTP POST" }',
  '{ span:kind = server }',
  '{ span:id = "0000000000000001" }',
  '{ span:parentID = "000000000000001" }',
  '{ trace:duration > 100ms }',
  '{ trace:rootName = "HTTP GET" }',
  '{ trace:rootService = "gateway" }',
  '{ trace:id = "1234567890abcde" }',
  '{ instrumentation:name = "grpc" }',
  '{ instrumentation:version = "1.0.0" }',
  '{ span.foo =~ "bar" }',
  '{ span.foo =~ "^bar$" }',
  '{ span.foo =~ "._bar._"}',
  '{ span.http.request_content_length > 10 * 1024 * 1024 }',
  '{ event:name = "foo" }',
  '{ span:childCount = 0 }',
  '{ resource.service.name = "frontend" && span:childCount = 0 }',
  '{ span:childCount > 10 }',
  '{ span:childCount > 0 }',
];

/** Metrics queries (stitch query, /api/metrics/query_range). */
const METRICS = [
  '{ span:duration < 5ms } | count_over_time() by(resource.service.name) | topk(10)',
  '{ resource.service.name = "foo" } | rate() by (instrumentation:name)',
];

/** Not taken yet: the instrumentation scope's attributes. It is refused with a message that says so. */
const NOT_YET: Array<[string, RegExp]> = [['{ instrumentation.language = "java" }', /not searchable yet/]];

const withoutColumns = (value: unknown): unknown =>
  Array.isArray(value)
    ? value.map(withoutColumns)
    : value !== null && typeof value === 'object'
      ? Object.fromEntries(Object.entries(value).filter(([key]) => key !== 'column').map(([key, inner]) => [key, withoutColumns(inner)]))
      : value;

describe("Tempo's TraceQL examples", () => {
  test(`${TAKEN.length} filter queries parse, and write back to the same tree`, () => {
    for (const query of TAKEN) {
      const parsed = parseFilter(query);
      assert.deepEqual(withoutColumns(parseFilter(filterText(parsed))), withoutColumns(parsed), query);
    }
  });

  test('metrics queries parse', () => {
    for (const query of METRICS) assert.doesNotThrow(() => parseMetricsQuery(query), query);
  });

  test(`${NOT_YET.length} are refused with a reason, never read as something else`, () => {
    for (const [query, reason] of NOT_YET) {
      assert.throws(() => parseFilter(query), (error: unknown) => error instanceof FilterSyntaxError && reason.test(error.message), query);
    }
  });
});
