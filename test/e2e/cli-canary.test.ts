import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { startTargetServer, type TargetServer } from '@stitch/test-support/target-server';
import { runStitch, startStitch, type StartedProcess } from '@stitch/test-support/cli-process';

let central: StartedProcess;
let url: string;
let dataDir: string;
let target: TargetServer;

before(async () => {
  dataDir = await mkdtemp('/tmp/stitch-cli-canary-');
  target = await startTargetServer();
  central = await startStitch(['central', '--data', dataDir, '--port', '0'], /listening on (http:\/\/\S+)/);
  url = (central as StartedProcess & { match: RegExpMatchArray }).match[1]!;
});
after(async () => {
  await central?.stop();
  await target?.close();
  await rm(dataDir, { recursive: true, force: true });
});

test('`stitch canary create/run/list/delete`: steps from the command line or a file, kept in DIR/canaries.json', { timeout: 60_000 }, async () => {
  const created = await runStitch(['canary', 'create', '--url', url, '--id', 'shop', '--name', 'shop', '--every', '3600', '--step', `POST ${target.url}/order status=200 json:order.status=placed name=order`, '--step', `GET ${target.url}/status/503 status=200 name=pay`]);
  assert.equal(created.code, 0, created.stderr);
  assert.match(created.stdout, /canary shop \(shop\) created: 2 steps every 3600 s, as service canary:shop/);
  assert.deepEqual(JSON.parse(await readFile(join(dataDir, 'canaries.json'), 'utf8')).journeys.map((journey: { id: string }) => journey.id), ['shop']);

  const run = await runStitch(['canary', 'run', 'shop', '--url', url]);
  assert.equal(run.code, 2, 'a failed run exits 2, for scripts');
  assert.match(run.stdout, /^FAIL {2}shop in .* trace [0-9a-f]{32}/);
  assert.match(run.stdout, /✓ order .* 200/);
  assert.match(run.stdout, /✗ pay .* 503 .*\n {6}status = 200 failed: got 503/);
  const traceId = /trace ([0-9a-f]{32})/.exec(run.stdout)![1]!;
  assert.ok(target.received.some((request) => String(request.headers.traceparent).includes(traceId)), 'the target got that trace id');

  const file = join(dataDir, 'journey.json');
  await writeFile(file, JSON.stringify({ id: 'health', name: 'health', everySeconds: 3600, steps: [{ name: 'ok', method: 'GET', url: `${target.url}/status/200`, assertions: [{ status: 200 }] }] }));
  assert.equal((await runStitch(['canary', 'create', '--file', file, '--url', url])).code, 0);
  assert.equal((await fetch(`${url}/api/canaries/health/run`, { method: 'POST' })).status, 200);

  const list = await runStitch(['canary', '--url', url]);
  assert.equal(list.code, 0, list.stderr);
  assert.match(list.stdout, /canaries \(2\)/);
  assert.match(list.stdout, /FAIL +shop +shop +every 3600 s, 2 steps +runs 2, failures 2/, 'the run on creation and the one asked for');
  assert.match(list.stdout, /! pay: status = 200 failed: got 503/);
  assert.match(list.stdout, /ok +health/);
  const json = JSON.parse((await runStitch(['canary', 'list', '--json', '--url', url])).stdout) as { canaries: Array<{ id: string; stats: { runs: number } }> };
  assert.deepEqual(json.canaries.map((canary) => [canary.id, canary.stats.runs]), [['shop', 2], ['health', 2]]);

  const bad = await runStitch(['canary', 'create', '--url', url, '--name', 'x', '--step', 'GET file:///etc/passwd']);
  assert.equal(bad.code, 1);
  assert.match(bad.stderr, /stitch: steps\.0\.url: must be an absolute http/);

  const deleted = await runStitch(['canary', 'delete', 'shop', '--url', url]);
  assert.equal(deleted.stdout, 'canary shop deleted\n');
  assert.equal((await fetch(`${url}/api/canaries/shop`)).status, 404);

  // Recent runs outlive a restart (DIR/canary-runs.jsonl); the deleted canary's stay gone.
  const runsOf = async (id: string) => ((await (await fetch(`${url}/api/canaries/${id}/runs`)).json()) as { runs?: Array<{ traceId: string }> }).runs ?? [];
  const before = (await runsOf('health')).map((r) => r.traceId);
  assert.equal(before.length, 2);
  await central.stop();
  central = await startStitch(['central', '--data', dataDir, '--port', '0'], /listening on (http:\/\/\S+)/);
  url = (central as StartedProcess & { match: RegExpMatchArray }).match[1]!;
  const afterRestart = (await runsOf('health')).map((r) => r.traceId);
  assert.deepEqual(afterRestart.slice(-2), before, 'the runs before the restart, newest first, after any run since');
  assert.equal((await fetch(`${url}/api/canaries/shop/runs`)).status, 404);
});
