import { test } from 'node:test';
import assert from 'node:assert/strict';
import { checkoutTraces } from '@stitch/test-support/fixtures';
import { diagnose } from './diagnosis.ts';
import { diagnosisToJson } from './diagnosis-json.ts';
import { formatChange, formatDuration } from './format-duration.ts';
import { renderDiagnosis } from './render-diagnosis.ts';

const diagnosis = diagnose({ matches: checkoutTraces(12, 2, { stripeMs: [8000, 10000] }), baseline: checkoutTraces(40, 1) }, { top: 3 });

test('renders counts, the top headline, an aligned contributor table and the findings', () => {
  const text = renderDiagnosis(diagnosis);
  const lines = text.split('\n');
  assert.match(lines[0]!, /^12 matching traces \(p50 \d+\.\d s, p99 \d+\.\d s\) vs 40 baseline traces \(p50 \d+ ms, p99 /);
  assert.equal(lines[1], `Top: ${diagnosis.contributors[0]!.headline}`);
  const header = lines.findIndex((line) => line.trimStart().startsWith('#  share'));
  const table = lines.slice(header, header + 4);
  // Critical time per trace, the baseline's and the change side by side; span p50s after them, labelled apart.
  assert.match(table[0]!, /^\s+#\s+share\s+critical\s+baseline\s+change\s+traces\s+span p50\s+baseline span p50\s+operation/);
  const top = diagnosis.contributors[0]!;
  assert.match(table[1]!, /^\s+1\s+\d+%\s+\d+\.\d s\s+\d+ ms\s+\+\d+\.\d s\s+12\/12 .*payments › Stripe API call → Stripe \(api\.stripe\.com\)\s+client\s+payments$/);
  assert.ok(table[1]!.includes(formatDuration(top.baselineMeanCriticalNanos!)) && table[1]!.includes(formatChange(top.changeNanos!)));
  // Aligned: every row's operation column starts where the header's does.
  const column = table[0]!.indexOf('operation');
  for (const row of table.slice(1)) assert.match(row.slice(column), /^\S+ › /);
  assert.ok(lines.includes('Findings'));
  assert.ok(lines.some((line) => /^  no-timeout  client calls payments › Stripe API call → Stripe \(api\.stripe\.com\)/.test(line)));
  assert.ok(!text.includes('\u001b['), 'no colour unless asked');
});

test('colour only when asked', () => {
  assert.match(renderDiagnosis(diagnosis, { color: true }), /\u001b\[33mno-timeout/);
});

test('nothing to diagnose without matching traces', () => {
  const text = renderDiagnosis(diagnose({ matches: [], baseline: [] }));
  assert.equal(text, '0 matching traces (p50 –, p99 –) vs 0 baseline traces (p50 –, p99 –)\n\nNothing to diagnose: no trace matches.');
});

test('the JSON form carries nanos as decimal strings and survives JSON.stringify', () => {
  const json = diagnosisToJson(diagnosis);
  const top = json.contributors[0]!;
  assert.equal(top.totalCriticalNanos, diagnosis.contributors[0]!.totalCriticalNanos.toString());
  assert.equal(typeof top.share, 'number');
  assert.equal(json.counts.matchP50Nanos, diagnosis.counts.matchP50Nanos!.toString());
  const finding = json.findings.find((f) => f.kind === 'no-timeout');
  assert.ok(finding?.kind === 'no-timeout' && /^\d+$/.test(finding.maxNanos));
  assert.deepEqual(JSON.parse(JSON.stringify(json)), json);
});
