import { after, test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ok, recovering, startWebhookReceiver, type WebhookReceiver } from '@stitch/test-support/webhook-receiver';
import { freePort, runStitch, startStitch, type StartedProcess } from '@stitch/test-support/cli-process';

const receivers: WebhookReceiver[] = [];
let central: StartedProcess | null = null;
let dataDir = '';
after(async () => {
  await central?.stop();
  await Promise.all(receivers.map((r) => r.close()));
  if (dataDir) await rm(dataDir, { recursive: true, force: true });
});

const until = async (check: () => boolean, what: string, timeoutMs = 10_000) => {
  const deadline = Date.now() + timeoutMs;
  while (!check()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
};

test('stitch alarm: create, scheduled evaluation to two webhooks, list, history, delete; kept in DIR/alarms.json', { timeout: 90_000 }, async () => {
  dataDir = await mkdtemp(join(tmpdir(), 'stitch-cli-alarms-'));
  const port = await freePort();
  const url = `http://127.0.0.1:${port}`;
  const [steady, flaky] = await Promise.all([startWebhookReceiver(ok), startWebhookReceiver(recovering(1))]);
  receivers.push(steady, flaky);
  central = await startStitch(['central', '--data', dataDir, '--port', String(port), '--alarm-evaluate-ms', '200'], /listening on/);

  // A latency threshold with its unit; a rule without data stays INSUFFICIENT_DATA.
  const p99 = await runStitch(['alarm', 'create', 'checkout p99', '--metric', 'p99', '--threshold', '2s', '--service', 'checkout', '--window', '5m', '--datapoints', '3', '--url', url, '--json']);
  assert.equal(p99.code, 0, p99.stderr);
  const p99Rule = JSON.parse(p99.stdout).alarm;
  assert.deepEqual(p99Rule.condition, { kind: 'threshold', selector: { service: 'checkout' }, metric: 'p99', comparator: '>', threshold: 2000, windowMinutes: 5 });
  const silent = await runStitch(['alarm', 'create', 'checkout silent', '--metric', 'requests', '--comparator', 'lt', '--threshold', '1', '--service', 'checkout', '--webhook', steady.url, '--webhook', flaky.url, '--url', url]);
  assert.equal(silent.code, 0, silent.stderr);
  const [, silentId] = /^alarm (alarm-[0-9a-f]+) created: requests < 1 over 5 min \(service checkout\); webhooks: http:\/\/127\.0\.0\.1:\d+\/hook, http:\/\/127\.0\.0\.1:\d+\/hook$/m.exec(silent.stdout) ?? [];
  assert.ok(silentId, silent.stdout);

  // The schedule (every 200 ms here) finds no checkout traffic: ALARM, sent to both; the flaky one on its retry.
  await until(() => steady.received.length === 1 && flaky.received.length === 2, 'both receivers');
  const listed = await runStitch(['alarm', '--url', url]);
  assert.match(listed.stdout, new RegExp(`^!! ALARM +checkout silent  \\(${silentId}\\) for \\d+ s$`, 'm'));
  assert.match(listed.stdout, /^\.\. INSUFFICIENT_DATA +checkout p99 .*\n +p99 > 2000 ms over 5 min \(service checkout\), 3 evaluations in a row\n +last evaluated \d+ s ago: 0 requests over 5 min, fewer than the 1 needed/m);
  await until(() => /"attempts": 2/.test(currentText(join(dataDir, 'alarms.json'))), 'the deliveries recorded');
  const history = await runStitch(['alarm', 'history', silentId!, '--url', url]);
  assert.match(history.stdout, /INSUFFICIENT_DATA -> ALARM  requests 0 over 5 min is < 1\n +delivered +http:\/\/127\.0\.0\.1:\d+\/hook 200 after 1 attempt\n +delivered +http:\/\/127\.0\.0\.1:\d+\/hook 200 after 2 attempts/);

  const deleted = await runStitch(['alarm', 'delete', silentId!, '--url', url]);
  assert.equal(deleted.stdout.trim(), `alarm ${silentId} deleted`);
  const saved = JSON.parse(await readFile(join(dataDir, 'alarms.json'), 'utf8')) as { alarms: Array<{ rule: { id: string } }> };
  assert.deepEqual(saved.alarms.map((alarm) => alarm.rule.id), [p99Rule.id]);
  assert.match(await readFile(join(dataDir, 'alarms.json.audit.jsonl'), 'utf8'), /"action":"alarm.delete"/);
});

/** A file as it is now (replaced atomically, so always whole); empty before it exists. */
function currentText(path: string): string {
  try {
    return readFileSync(path, 'utf8');
  } catch {
    return '';
  }
}
