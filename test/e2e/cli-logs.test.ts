import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { makeSpan, nanos, type LogRecord } from '@stitch/model';
import { logsToOtlpJson, spansToOtlpJson } from '@stitch/wire';
import { startTestCentral, type TestCentral } from '@stitch/test-support/central';
import { runStitch } from '@stitch/test-support/cli-process';

// `stitch logs` against a real central: a slow trace and a fast one, two lines each.
let central: TestCentral;
const slow = '5f84c7a1' + '1'.repeat(24);
const fast = '5f84c7a1' + '2'.repeat(24);
const at = (ms: number) => nanos(BigInt(ms) * 1_000_000n);

before(async () => {
  central = await startTestCentral();
  const now = Date.now();
  const spans = [makeSpan({ traceId: slow, startTimeUnixNano: at(now - 60_000), endTimeUnixNano: at(now - 57_000) }), makeSpan({ traceId: fast, startTimeUnixNano: at(now - 30_000), endTimeUnixNano: at(now - 29_900) })];
  const line = (traceId: string, ms: number, severityNumber: number, body: string): LogRecord => ({ timeUnixNano: at(ms), severityNumber, severityText: severityNumber >= 17 ? 'ERROR' : 'INFO', body, traceId, spanId: '', serviceName: 'payments', attributes: {}, account: { id: 'x', label: 'x' } });
  const records = [line(slow, now - 59_000, 9, 'calling Stripe'), line(slow, now - 57_500, 17, 'Stripe timed out'), line(fast, now - 29_950, 9, 'health ok'), line(fast, now - 29_920, 17, 'fast failure')];
  for (const [path, body] of [['/v1/traces', spansToOtlpJson(spans)], ['/v1/logs', logsToOtlpJson(records)]] as const) {
    const response = await fetch(`${central.url}${path}`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) });
    assert.equal(response.status, 200, await response.text());
  }
});
after(() => central.stop());

test("stitch logs --trace prints a trace's lines oldest first; -q joins the slow traces' lines; --json for scripts", async () => {
  const ofTrace = await runStitch(['logs', '--trace', slow, '--url', central.url]);
  assert.equal(ofTrace.code, 0, ofTrace.stderr);
  assert.match(ofTrace.stdout, /INFO .* local\/payments  calling Stripe[^\n]*\n.*ERROR .* local\/payments  Stripe timed out/);

  const slowOnes = await runStitch(['logs', '-q', 'duration > 2', '--since', '1h', '--severity', 'error', '--json', '--url', central.url]);
  assert.equal(slowOnes.code, 0, slowOnes.stderr);
  const answer = JSON.parse(slowOnes.stdout) as { logs: Array<{ body: string; trace: { durationMs: number } }> };
  assert.deepEqual(answer.logs.map((l) => [l.body, l.trace.durationMs]), [['Stripe timed out', 3000]]);
});
