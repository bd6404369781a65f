import { test } from 'node:test';
import assert from 'node:assert/strict';
import { nanos } from '@stitch/model';
import { buildSearchSql } from './search-sql.ts';

test('user text never enters the SQL, only the parameters', () => {
  const hostile = "payments' OR 1=1; DROP TABLE spans; --";
  const { sql, params } = buildSearchSql({ startNanos: nanos(1n), endNanos: nanos(2n), limit: 5, serviceName: hostile, minDurationNanos: nanos(8n) });
  assert.ok(!sql.includes('DROP TABLE'));
  assert.ok(params.includes(hostile));
  assert.equal((sql.match(/\?/g) ?? []).length, params.length, 'one parameter per placeholder');
});

test('only the filters asked for are applied', () => {
  const plain = buildSearchSql({ startNanos: nanos(1n), endNanos: nanos(2n), limit: 5 });
  assert.ok(!plain.sql.includes('list_contains'));
  assert.deepEqual(plain.params, [1n, 2n, 1n, 2n, 5]);
  assert.ok(!plain.sql.includes('max(p.end_ns) - min(p.start_ns)'));
  const filtered = buildSearchSql({ startNanos: nanos(1n), endNanos: nanos(2n), limit: 5, maxDurationNanos: nanos(3n) });
  assert.match(filtered.sql, /max\(p\.end_ns\) - min\(p\.start_ns\) <= \?/);
});
