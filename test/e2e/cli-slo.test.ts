import { after, test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { generatedTraffic } from '@stitch/metrics';
import { spanDuration, type Span } from '@stitch/model';
import { spansToOtlpJson } from '@stitch/wire';
import { freePort, runStitch, startStitch, type StartedProcess } from '@stitch/test-support/cli-process';

let central: StartedProcess | null = null;
let dataDir = '';
after(async () => {
  await central?.stop();
  if (dataDir) await rm(dataDir, { recursive: true, force: true });
});

const MINUTE = 60_000;
const isEntry = (s: Span) => s.kind === 'server' || s.kind === 'consumer' || s.parentSpanId === null;

test('stitch metrics and stitch slo: create, list, show, delete; figures from the spans sent; kept in DIR/slos.json', { timeout: 90_000 }, async () => {
  dataDir = await mkdtemp(join(tmpdir(), 'stitch-cli-slo-'));
  const port = await freePort();
  const url = `http://127.0.0.1:${port}`;
  central = await startStitch(['central', '--data', dataDir, '--port', String(port)], /listening on/);
  const now = Date.now();
  const spans = [
    ...generatedTraffic(31, { startMs: now - 60 * MINUTE, minutes: 58, count: 800, accounts: [{ id: 'local', label: 'local' }] }),
    ...generatedTraffic(32, { startMs: now - 10 * MINUTE, minutes: 8, count: 60, accounts: [{ id: 'local', label: 'local' }], services: ['checkout'], durationMs: () => 2_600 }),
  ];
  const sent = await fetch(`${url}/v1/traces`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(spansToOtlpJson(spans)) });
  assert.equal(sent.status, 200);
  const checkout = spans.filter((s) => isEntry(s) && s.resource.serviceName === 'checkout');
  const good = checkout.filter((s) => Number(spanDuration(s)) <= 2e9).length;

  const wrong = await runStitch(['slo', 'create', '--name', 'x', '--service', 'checkout', '--success', '--latency-ms', '2000', '--target', '99', '--url', url]);
  assert.equal(wrong.code, 1);
  assert.match(wrong.stderr, /^stitch: give either --latency-ms <ms> .* or --success/);

  const created = await runStitch(['slo', 'create', '--name', 'checkout p99 under 2 s', '--service', 'checkout', '--latency-ms', '2000', '--target', '95', '--window', '7', '--url', url]);
  assert.equal(created.code, 0, created.stderr);
  const [, id] = /^SLO (checkout-p99-under-2-s-[0-9a-f]{6}) created$/m.exec(created.stdout) ?? [];
  assert.ok(id, created.stdout);
  assert.match(created.stdout, /checkout: 95 % of requests within 2000 ms over 7 days/);
  assert.match(await readFile(join(dataDir, 'slos.json'), 'utf8'), new RegExp(`"id": "${id}"`));

  // Central writes span metrics every 5 s: wait for this batch's (asking the API, cheaper than a process per try).
  const checkoutCount = async () => {
    const answer = (await (await fetch(`${url}/api/metrics?since=2h&service=checkout`)).json()) as { series: Array<{ total: { count: number } }> };
    return answer.series[0]?.total.count;
  };
  for (const deadline = Date.now() + 15_000; Date.now() < deadline && (await checkoutCount()) !== checkout.length; ) await new Promise((resolve) => setTimeout(resolve, 250));
  const [metricsJson, table, listed, text, shown] = await Promise.all([
    runStitch(['metrics', '--since', '2h', '--json', '--url', url]),
    runStitch(['metrics', '--since', '2h', '--url', url]),
    runStitch(['slo', '--json', '--url', url]),
    runStitch(['slo', '--url', url]),
    runStitch(['slo', 'show', id!, '--url', url]),
  ]);
  const metrics = JSON.parse(metricsJson.stdout) as { series: Array<{ key: { service: string }; total: { count: number } }> };
  assert.equal(metrics.series.find((s) => s.key.service === 'checkout')?.total.count, checkout.length);
  assert.match(table.stdout, /^SERVICE +REQUESTS +ERRORS +FAULTS +AVG +P50 +P90 +P99$/m);
  assert.match(table.stdout, new RegExp(`^checkout +${checkout.length} +\\d+\\.\\d% +\\d+\\.\\d% `, 'm'));
  const [slo] = JSON.parse(listed.stdout).slos;
  assert.equal(slo.status.total, checkout.length);
  assert.equal(slo.status.good, good);
  const met = good / checkout.length >= 0.95;
  assert.match(text.stdout, new RegExp(`^${met ? 'met' : 'BREACHED'} +${id} +checkout p99 under 2 s +95\\.00% +${((100 * good) / checkout.length).toFixed(2)}%`, 'm'));
  assert.match(shown.stdout, new RegExp(`last 7 days: ${good} good of ${checkout.length} requests`));
  assert.match(shown.stdout, /^DAY +REQUESTS +COMPLIANCE +BUDGET LEFT/m);

  const deleted = await runStitch(['slo', 'delete', id!, '--url', url]);
  assert.equal(deleted.stdout.trim(), `SLO ${id} deleted`);
  assert.equal((await fetch(`${url}/api/slos/${id}`)).status, 404);
});
