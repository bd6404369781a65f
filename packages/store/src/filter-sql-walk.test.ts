import { test } from 'node:test';
import assert from 'node:assert/strict';
import { parseFilter } from '@stitch/query';
import { walkFilter, type FilterSqlDialect } from './filter-sql-walk.ts';

/** A dialect that names each set it is asked for (s0, s1, …) and writes atoms as the filter's own words. */
function namingDialect(): { dialect: FilterSqlDialect; sets: string[] } {
  const sets: string[] = [];
  const set = (condition: string) => {
    const name = `s${sets.push(condition) - 1}`;
    return { member: `in(${name})`, set: name };
  };
  const dialect: FilterSqlDialect = {
    spanSet: set,
    edgeSet: (caller, callee, condition) => set(`edge ${caller}->${callee} ${condition}`),
    traceDuration: (field, op, value) => `${field}${op}${value}`,
    traceStatus: (op, value) => `status${op}${value}`,
    traceRoot: (field, op, value) => `root.${field}${op}${value}`,
    spanService: (service) => `service=${service}`,
    spanCompare: (node) => `${node.field}:${String(node.value)}`,
    spanChildCount: (op, value) => `children${op}${value}`,
    spanFlag: (flag) => flag,
    spanPeer: (name) => `peer=${name}`,
    anySpan: 'any',
    pipelineSet: (node, condition) => set(`pipeline ${node.conditions.length} ${condition}`),
    structureSet: (node, condition) => set(`structure ${node.source.op} ${condition(null)}`),
  };
  return { dialect, sets };
}

test('span conditions of an OR chain become one set, so the spans are read once however many there are', () => {
  for (const conditions of [2, 8, 127]) {
    const text = Array.from({ length: conditions }, (_, i) => (i % 2 ? `service("s${i}")` : `http.url CONTAINS "/${i}"`)).join(' OR ');
    const { dialect, sets } = namingDialect();
    const { where, requiredSets } = walkFilter(parseFilter(text), dialect);
    assert.equal(sets.length, 1, `${conditions} conditions`);
    assert.equal(where, 'in(s0)');
    assert.deepEqual(requiredSets, ['s0']);
  }
});

test('the merge keeps the meaning: trace-level terms and ANDs stay apart, NOT applies to the merged set', () => {
  const cases: Array<[string, string, string[], string[] | null]> = [
    ['fault OR duration > 2 OR error', '(in(s0) OR duration>2000000000)', ['(fault OR error)'], null],
    ['fault AND error', '(in(s0) AND in(s1))', ['fault', 'error'], ['s0']],
    ['NOT (fault OR throttle)', '(NOT in(s0))', ['(fault OR throttle)'], null],
    ['(fault AND error) OR throttle OR edge("a", "b")', '(in(s3) OR (in(s0) AND in(s1)) OR in(s2))', ['fault', 'error', 'edge a->b null', 'throttle'], ['s3', 's0', 's2']],
  ];
  for (const [text, where, sets, required] of cases) {
    const naming = namingDialect();
    const walked = walkFilter(parseFilter(text), naming.dialect);
    assert.equal(walked.where, where, text);
    assert.deepEqual(naming.sets, sets, text);
    assert.deepEqual(walked.requiredSets, required, text);
  }
});
