import { test } from 'node:test';
import assert from 'node:assert/strict';
import { nanos } from '@stitch/model';
import { parseFilter } from '@stitch/query';
import { buildHistogramSql, buildSearchSql } from './search-sql.ts';

const placeholders = (sql: string) => new Set([...sql.matchAll(/\$(\d+)/g)].map((m) => Number(m[1])));

test('user text never enters the SQL, only the parameters', () => {
  const hostile = "payments' OR 1=1; DROP TABLE spans; --";
  const filter = parseFilter(`service(${JSON.stringify(hostile)}) { name CONTAINS ${JSON.stringify(hostile)} } AND annotation.x = ${JSON.stringify(hostile)}`);
  for (const { sql, params } of [
    buildSearchSql({ startNanos: nanos(1n), endNanos: nanos(2n), limit: 5, serviceName: hostile, minDurationNanos: nanos(8n), filter }),
    buildHistogramSql({ startNanos: nanos(1n), endNanos: nanos(2n), serviceName: hostile, filter }),
  ]) {
    assert.ok(!sql.includes('DROP TABLE'));
    assert.ok(!sql.includes('payments'));
    assert.equal(params.filter((p) => p === hostile).length, 4);
    assert.deepEqual([...placeholders(sql)].sort((a, b) => a - b), params.map((_, i) => i + 1), 'every parameter used, none missing');
  }
});

test('only the filters asked for are applied', () => {
  const plain = buildSearchSql({ startNanos: nanos(1n), endNanos: nanos(2n), limit: 5 });
  assert.ok(!plain.sql.includes('list_contains'));
  assert.ok(!plain.sql.includes('FROM spans'), 'no filter expression: the spans are not read');
  assert.deepEqual(plain.params, [1n, 2n, 5]);
  const filtered = buildSearchSql({ startNanos: nanos(1n), endNanos: nanos(2n), limit: 5, maxDurationNanos: nanos(3n) });
  assert.match(filtered.sql, /max\(p\.end_ns\) - min\(p\.start_ns\) <= \$3::BIGINT/);
  const traceLevel = buildSearchSql({ startNanos: nanos(1n), endNanos: nanos(2n), limit: 5, filter: parseFilter('duration > 8') });
  assert.ok(!traceLevel.sql.includes('FROM spans'), 'a whole-trace duration needs no span');
  const edge = buildSearchSql({ startNanos: nanos(1n), endNanos: nanos(2n), limit: 5, filter: parseFilter('edge("a", "b")') });
  assert.match(edge.sql, /JOIN spans p ON p\.trace_id = s\.trace_id AND p\.span_id = s\.parent_span_id/);
});
