import { after, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { emptyMeasurements } from '@stitch/graph';
import type { AlarmInputs } from '@stitch/metrics';
import { failing, hanging, ok, recovering, startWebhookReceiver, type WebhookReceiver } from '@stitch/test-support/webhook-receiver';
import { AlarmRegistry } from './alarm-registry.ts';
import { AlarmScheduler } from './alarm-scheduler.ts';

/** Span metrics as a dial: `requests.count` is what the next evaluation sees. */
function dial(): AlarmInputs & { count: number } {
  return {
    count: 0,
    async measure() {
      return { ...emptyMeasurements(), count: this.count };
    },
    slo: () => null,
  };
}

const until = async (check: () => boolean) => {
  while (!check()) await new Promise((resolve) => setTimeout(resolve, 10));
};

const FAST = { evaluateEveryMs: 3_600_000, webhookTimeoutMs: 300, webhookRetries: 3, webhookBackoffMs: 20 };
const overTen = { kind: 'threshold', selector: { service: 'checkout' }, metric: 'requests', comparator: '>', threshold: 10, windowMinutes: 5 } as const;

describe('alarm notifications to real webhook receivers', () => {
  const receivers: WebhookReceiver[] = [];
  const schedulers: AlarmScheduler[] = [];
  const receiver = async (...args: Parameters<typeof startWebhookReceiver>) => {
    const started = await startWebhookReceiver(...args);
    receivers.push(started);
    return started;
  };
  const scheduler = (registry: AlarmRegistry, inputs: AlarmInputs) => {
    const started = new AlarmScheduler(registry, inputs, FAST, Date.now, () => {});
    schedulers.push(started);
    return started;
  };
  after(async () => {
    await Promise.all(schedulers.map((s) => s.close()));
    await Promise.all(receivers.map((r) => r.close()));
  });

  test('every receiver gets each transition once; staying in a state sends nothing; a restart does not re-notify', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'stitch-alarms-'));
    try {
      const file = join(dir, 'alarms.json');
      const hooks = await Promise.all([receiver(ok, '/a'), receiver(ok, '/b'), receiver(ok, '/c')]);
      const registry = await AlarmRegistry.open(file);
      const inputs = dial();
      const alarms = scheduler(registry, inputs);
      const { rule } = await registry.create({ name: 'checkout traffic', condition: overTen, datapointsToAlarm: 2, webhooks: hooks.map((h) => h.url) });

      inputs.count = 5;
      const first = await alarms.evaluate(rule.id, true);
      assert.equal(first?.transition?.to, 'OK');
      assert.equal(first?.transition?.notified, false, "a new rule's first OK is not sent");
      inputs.count = 50;
      assert.equal((await alarms.evaluate(rule.id, true))?.transition, null, 'one breaching evaluation of two needed');
      const alarm = await alarms.evaluate(rule.id, true);
      assert.equal(alarm?.transition?.to, 'ALARM');
      for (let i = 0; i < 3; i++) assert.equal((await alarms.evaluate(rule.id, true))?.transition, null, 'still ALARM: nothing new');
      inputs.count = 3;
      assert.equal((await alarms.evaluate(rule.id, true))?.transition?.to, 'OK');

      for (const hook of hooks) {
        assert.deepEqual(
          hook.received.map((event) => [event.body.from, event.body.to, event.idempotencyKey]),
          [
            ['OK', 'ALARM', `${rule.id}.2`],
            ['ALARM', 'OK', `${rule.id}.3`],
          ],
        );
        const sent = hook.received[0]!.body;
        assert.equal(sent.eventId, `${rule.id}.2`);
        assert.equal(sent.value, 50);
        assert.deepEqual(sent.alarm, { id: rule.id, name: 'checkout traffic', condition: 'requests > 10 over 5 min (service checkout)' });
        assert.match(String(sent.reason), /^requests 50 over 5 min is > 10$/);
      }
      const history = registry.get(rule.id)!.history;
      assert.deepEqual(
        history.map((entry) => [entry.to, entry.notified, entry.deliveries.map((d) => `${d.outcome}/${d.attempts}`)]),
        [
          ['OK', false, []],
          ['ALARM', true, ['delivered/1', 'delivered/1', 'delivered/1']],
          ['OK', true, ['delivered/1', 'delivered/1', 'delivered/1']],
        ],
      );

      // A restarted central reads the state back: ALARM again is a transition, OK is not repeated.
      await alarms.close();
      const saved = JSON.parse(await readFile(file, 'utf8')) as { alarms: Array<{ tracker: { state: string } }> };
      assert.equal(saved.alarms[0]!.tracker.state, 'OK');
      const reopened = await AlarmRegistry.open(file);
      const again = scheduler(reopened, inputs);
      assert.equal((await again.evaluate(rule.id, true))?.transition, null, 'OK was notified before the restart');
      for (const hook of hooks) assert.equal(hook.received.length, 2);
      assert.equal(reopened.get(rule.id)!.history.length, 3, 'history survives');
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });

  test('a failing, a hanging and a refusing receiver never hold up the others; a recovering one gets it on a retry', async () => {
    const [good, broken, stuck, flaky, gone] = await Promise.all([receiver(ok), receiver(failing), receiver(hanging), receiver(recovering(2)), receiver(() => 410)]);
    const registry = await AlarmRegistry.open(null);
    const inputs = dial();
    const alarms = scheduler(registry, inputs);
    const { rule } = await registry.create({ name: 'fan-out', condition: overTen, datapointsToAlarm: 1, webhooks: [broken.url, stuck.url, good.url, flaky.url, gone.url] });
    inputs.count = 11;
    const started = Date.now();
    const evaluation = await alarms.evaluate(rule.id, true);
    const tookMs = Date.now() - started;

    assert.equal(evaluation?.transition?.to, 'ALARM');
    assert.equal(good.received.length, 1);
    assert.ok(good.received[0]!.atMs - started < 250, `the healthy receiver had it after ${good.received[0]!.atMs - started} ms, not after the others' retries`);
    assert.equal(broken.received.length, 4, 'the first try and 3 retries');
    assert.equal(stuck.received.length, 4);
    assert.equal(flaky.received.length, 3, 'two 503s, then delivered');
    assert.equal(gone.received.length, 1, 'a 4xx is not retried');
    assert.ok(tookMs >= 4 * 300 && tookMs < 4 * 300 + 2_000, `evaluate waited for the hanging receiver's 4 timeouts: ${tookMs} ms`);
    for (const hook of [good, broken, stuck, flaky, gone]) {
      assert.deepEqual(new Set(hook.received.map((event) => event.idempotencyKey)), new Set([`${rule.id}.1`]), 'retries carry the same key');
      assert.equal(hook.distinctEvents().length, 1);
    }
    const [entry] = registry.get(rule.id)!.history;
    assert.deepEqual(
      entry!.deliveries.map(({ outcome, status, attempts, error }) => ({ outcome, status, attempts, error })),
      [
        { outcome: 'failed', status: 500, attempts: 4, error: 'answered 500' },
        { outcome: 'failed', status: null, attempts: 4, error: 'no answer within 300 ms' },
        { outcome: 'delivered', status: 200, attempts: 1, error: undefined },
        { outcome: 'delivered', status: 200, attempts: 3, error: undefined },
        { outcome: 'failed', status: 410, attempts: 1, error: 'answered 410' },
      ],
    );
    assert.deepEqual(
      entry!.deliveries.map((d) => d.url),
      [broken, stuck, good, flaky, gone].map((hook) => hook.url),
      'in the order of the rule (paths of one segment are shown whole)',
    );
  });

  test('closing central cuts a hanging delivery short and records it as failed', async () => {
    const stuck = await receiver(hanging);
    const registry = await AlarmRegistry.open(null);
    const inputs = dial();
    const alarms = new AlarmScheduler(registry, inputs, { ...FAST, webhookTimeoutMs: 30_000 }, Date.now, () => {});
    const { rule } = await registry.create({ name: 'stuck', condition: overTen, datapointsToAlarm: 1, webhooks: [stuck.url] });
    inputs.count = 11;
    assert.equal((await alarms.evaluate(rule.id, false))?.transition?.to, 'ALARM');
    await until(() => stuck.received.length === 1);
    const started = Date.now();
    await alarms.close();
    assert.ok(Date.now() - started < 1_000, `closed after ${Date.now() - started} ms`);
    assert.deepEqual(registry.get(rule.id)!.history[0]!.deliveries.map(({ outcome, attempts, error }) => ({ outcome, attempts, error })), [
      { outcome: 'failed', attempts: 1, error: 'central stopped before an answer' },
    ]);
  });

  test('history keeps the newest 100 transitions, numbered on', async () => {
    const registry = await AlarmRegistry.open(null);
    const inputs = dial();
    const alarms = scheduler(registry, inputs);
    const { rule } = await registry.create({ name: 'flapping', condition: overTen, datapointsToAlarm: 1, webhooks: [] });
    for (let i = 0; i < 121; i++) {
      inputs.count = i % 2 === 0 ? 50 : 0;
      await alarms.evaluate(rule.id, true);
    }
    const history = registry.get(rule.id)!.history;
    assert.equal(history.length, 100);
    assert.equal(history.at(-1)!.sequence, 121);
    assert.equal(history[0]!.sequence, 22);
  });
});
