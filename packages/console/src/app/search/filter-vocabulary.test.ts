import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { parseFieldName, parseFilter, parseMetricsQuery, TEXT_FIELDS } from '@stitch/query';
import { completionSiteAt } from './completion-context.ts';
import { completionsFor } from './completions.ts';
import { fieldOf, KNOWN_FIELDS, METRICS_FUNCTIONS, type KnownField } from './filter-vocabulary.ts';

// The console's words are its own copy of the parser's: here the parser judges every one.

const NOTHING = { tags: null, values: null };
const offeredAt = (text: string) => completionsFor(completionSiteAt(text, text.length), NOTHING).map((completion) => completion.insert.trim());
const sample = (known: KnownField, op: string): string => {
  if (known.type === 'duration') return '1s';
  if (known.type === 'status-code') return '500';
  if (known.type === 'count') return '3';
  if (known.type === 'id') return '"1"';
  if (known.values && !op.includes('~')) return known.values[0]!;
  return '"x"';
};

describe('every field the box knows, the parser knows', () => {
  for (const known of KNOWN_FIELDS) {
    it(`${known.name}: each operator offered, with a value of its type`, () => {
      const ops = offeredAt(`{ ${known.name} `);
      assert.ok(ops.length > 0);
      for (const op of ops) assert.doesNotThrow(() => parseFilter(`{ ${known.name} ${op} ${sample(known, op)} }`), `${known.name} ${op}`);
    });
    if (known.values) {
      it(`${known.name}: each value offered`, () => {
        for (const value of offeredAt(`{ ${known.name} = `)) assert.doesNotThrow(() => parseFilter(`{ ${known.name} = ${value} }`), value);
      });
    }
  }
  it('the discovery API reads the name each one\u2019s values are asked by', () => {
    for (const known of KNOWN_FIELDS) if (known.tag) assert.doesNotThrow(() => parseFieldName(known.tag!), known.tag);
  });
  it('the parser\u2019s text fields are all among them', () => {
    for (const name of TEXT_FIELDS) assert.equal(fieldOf(name)?.kind, 'known', name);
  });
  it('a word it does not know, the parser refuses as an unknown field', () => {
    for (const word of ['nme', 'durations', 'span:nam', 'statuses']) {
      assert.equal(fieldOf(word), null);
      assert.throws(() => parseFilter(`{ ${word} = "x" }`), /unknown field/);
    }
  });
});

describe('every joiner, stage and structure offered parses in its place', () => {
  it('after a span set', () => {
    const offered = offeredAt('{ status = error } ');
    assert.equal(offered.length, 20, '&& || AND OR |, and the 15 structural operators');
    for (const op of offered) assert.doesNotThrow(() => parseFilter(`{ status = error } ${op} ${op === '|' ? 'count() > 1' : '{ kind = server }'}`), op);
  });
  it('a pipeline stage', () => {
    const complete: Record<string, string> = { 'avg(': 'avg(duration) > 1s', 'min(': 'min(duration) > 1s', 'max(': 'max(duration) > 1s', 'sum(': 'sum(span.bytes) > 1', 'by(': 'by(name)', 'select(': 'select(name)', '{': '{ kind = server }' };
    for (const stage of offeredAt('{ } | ')) {
      if (METRICS_FUNCTIONS.some((fn) => stage.startsWith(`${fn}(`))) continue;
      const written = complete[stage] ?? (stage.startsWith('count') ? 'count() > 1' : stage);
      assert.doesNotThrow(() => parseFilter(`{ } | ${written}`), stage);
    }
  });
  it('a metrics function, and its grouping', () => {
    const offered = offeredAt('{ } | ').filter((stage) => METRICS_FUNCTIONS.some((fn) => stage.startsWith(`${fn}(`)));
    assert.equal(offered.length, METRICS_FUNCTIONS.length);
    for (const stage of offered) {
      const written = stage.endsWith(')') ? stage : stage.startsWith('quantile') ? `${stage}duration, .99)` : `${stage}duration)`;
      assert.doesNotThrow(() => parseMetricsQuery(`{ } | ${written}`), stage);
      assert.doesNotThrow(() => parseMetricsQuery(`{ } | ${written} ${offeredAt(`{ } | ${written} `)[0]}name)`), `${stage} by`);
    }
  });
  it('a field to group by', () => {
    for (const key of offeredAt('{ } | by(').filter((key) => !key.endsWith('.'))) assert.doesNotThrow(() => parseFilter(`{ } | by(${key})`), key);
  });
  it('a condition\u2019s start, at the top and inside braces', () => {
    const finish = (start: string): string => {
      if (start.endsWith('(')) return start.startsWith('edge') ? `${start}"a", "b")` : `${start}"a")`;
      if (start === '{') return '{ }';
      if (start === 'NOT') return 'NOT fault';
      if (start.endsWith('.')) return `${start}k = 1`;
      const known = KNOWN_FIELDS.find((field) => field.name === start);
      return known ? `${start} = ${sample(known, '=')}` : start;
    };
    for (const start of offeredAt('')) assert.doesNotThrow(() => parseFilter(finish(start)), start);
    for (const start of offeredAt('{ ')) assert.doesNotThrow(() => parseFilter(`{ ${finish(start)} }`), start);
  });
});
