import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { join } from 'node:path';
import { makeSpan, nanos, type Span } from '@stitch/model';
import { spansToOtlpJson } from '@stitch/wire';
import { freePort, runStitch, startStitch, type StartedProcess } from '@stitch/test-support/cli-process';

// `stitch central --data DIR` and the `stitch cost` commands against it, as an operator runs them.

let central: StartedProcess;
let url: string;
let dir: string;
const DAY_MS = 86_400_000;
const today = new Date().toISOString().slice(0, 10);

before(async () => {
  dir = await mkdtemp('/tmp/stitch-cli-cost-');
  const port = await freePort();
  central = await startStitch(['central', '--data', dir, '--port', String(port), '--decode-workers', '0'], /listening on (\S+)/);
  url = `http://127.0.0.1:${port}`;
  // 60 checkout traces, one every 2 s, early today (UTC): 0.5 a second, under X-Ray's 1/s reservoir.
  const start = Math.floor(Date.now() / DAY_MS) * DAY_MS + 60_000;
  const spans: Span[] = Array.from({ length: 60 }, (_, i) =>
    makeSpan({
      traceId: `7f${(i + 1).toString(16).padStart(30, '0')}`,
      startTimeUnixNano: nanos(BigInt(start + i * 2000) * 1_000_000n),
      endTimeUnixNano: nanos(BigInt(start + i * 2000 + 30) * 1_000_000n),
      resource: { serviceName: 'checkout', attributes: {} },
    }),
  );
  const response = await fetch(`${url}/v1/traces`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(spansToOtlpJson(spans)) });
  assert.equal(response.status, 200);
});
after(async () => {
  await central?.stop();
  await rm(dir, { recursive: true, force: true });
});

test('stitch cost prints usage and cost per service and day, and --json the API answer', async () => {
  const json = await runStitch(['cost', '--since', '1d', '--json', '--url', url]);
  assert.equal(json.code, 0, json.stderr);
  const answer = JSON.parse(json.stdout);
  assert.deepEqual([answer.startDay, answer.endDay], [today, today]);
  assert.deepEqual(answer.byService.map((line: { serviceName: string; usage: { tracesRecorded: number; spans: number } }) => [line.serviceName, line.usage.tracesRecorded, line.usage.spans]), [['checkout', 60, 60]]);
  assert.equal(answer.total.cost.total, 0, 'within the free tier');

  const text = await runStitch(['cost', '--by', 'service', '--url', url]);
  assert.equal(text.code, 0, text.stderr);
  assert.match(text.stdout, /per service: \$0\.00/);
  assert.match(text.stdout, /^checkout\s+60\s+60\s/m);
  assert.match(text.stdout, /free tier \(100,000 traces a month\): \d{4}-\d{2}: 60 of 60 traces free/);

  const bad = await runStitch(['cost', '--by', 'color', '--url', url]);
  assert.notEqual(bad.code, 0);
  assert.match(bad.stderr, /--by takes account, service, day/);
});

test('stitch cost prices --set changes the sheet, kept in DIR/prices.json; a bad key is refused by name', async () => {
  const set = await runStitch(['cost', 'prices', '--set', 'perMillionTracesRecorded=6', '--set', 'freeTracesRecordedPerMonth=10', '--url', url]);
  assert.equal(set.code, 0, set.stderr);
  assert.match(set.stdout, /perMillionTracesRecorded\s+6\n/);
  assert.equal(JSON.parse(await readFile(join(dir, 'prices.json'), 'utf8')).prices.perMillionTracesRecorded, 6);
  const refused = await runStitch(['cost', 'prices', '--set', 'perMillionTraces=1', '--url', url]);
  assert.equal(refused.code, 1);
  assert.match(refused.stderr, /perMillionTraces/);
  // 50 of the 60 traces are past the free tier now: 50 × $6 per million.
  const answer = JSON.parse((await runStitch(['cost', '--since', '1d', '--json', '--url', url])).stdout);
  assert.ok(Math.abs(answer.total.cost.total - 50 * 6e-6) < 1e-12);
  // $0.0003 for 60 traces: $0.000005 each, printed as a number people read, never 5.00e-6.
  const text = (await runStitch(['cost', '--since', '1d', '--url', url])).stdout;
  assert.match(text, /: \$0\.00030, \$0\.0000050 per trace,/);
  assert.doesNotMatch(text, /\de-\d/);
});

test('stitch cost what-if: checkout to 100 % under the default rule changes nothing when it records everything already', async () => {
  const result = await runStitch(['cost', 'what-if', '--service', 'checkout', '--rate', '100%', '--url', url]);
  assert.equal(result.code, 0, result.stderr);
  // 60 traces over 118 s: 0.508/s, under the 1/s reservoir, so every request is recorded already.
  assert.match(result.stdout, /^checkout to 100 % ⇒ \+0 traces a month, \+\$0\.00$/m);
  assert.match(result.stdout, /today's rule Default: 1\/s then 5 %/);
  const unknown = await runStitch(['cost', 'what-if', '--service', 'nothing-here', '--rate', '1', '--url', url]);
  assert.equal(unknown.code, 1);
  assert.match(unknown.stderr, /service: no traces of nothing-here/);
});
