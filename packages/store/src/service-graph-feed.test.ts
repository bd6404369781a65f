import { test } from 'node:test';
import assert from 'node:assert/strict';
import { makeSpan, type Span } from '@stitch/model';
import { InMemoryStore } from './in-memory-store.ts';
import { ServiceGraphFeed } from './service-graph-feed.ts';

const WINDOW = [0, Number.MAX_SAFE_INTEGER] as const;

test('agents hand over a call between their accounts; central pairs it, and counts it once', async () => {
  const call = makeSpan({ kind: 'client', account: { id: 'a', label: 'a' }, attributes: { 'server.address': 'orders.internal' } });
  const entry = makeSpan({ traceId: call.traceId, parentSpanId: call.spanId, kind: 'server', account: { id: 'b', label: 'b' }, resource: { serviceName: 'orders', attributes: {} } });
  const handed: Span[] = [];
  const log = (message: string) => assert.fail(message);
  const agents = [new InMemoryStore(), new InMemoryStore()];
  for (const [i, span] of [call, entry].entries()) {
    const feed = new ServiceGraphFeed(agents[i]!, { log, onUnpaired: (unpaired) => handed.push(unpaired) });
    feed.storedSpans([span]);
    await feed.close();
  }
  assert.deepEqual(handed, [call, entry]);

  const central = new InMemoryStore();
  const feed = new ServiceGraphFeed(central, { log });
  feed.addUnpaired(handed);
  await feed.close();
  const records = await central.readGraphRecords(...WINDOW);
  assert.deepEqual(records.map((r) => `${r.kind} ${r.from?.service} ${r.to.service} ${r.measurements.count}`), ['edge checkout-orchestrator orders 1']);
  const counted = (await agents[1]!.readGraphRecords(...WINDOW)).map((r) => `${r.kind} ${r.to.service}`);
  assert.deepEqual(counted, ['node orders'], 'the entry is counted where it was stored');
});

test('spans handed over that the aggregator cannot read are logged, not thrown', async () => {
  const logged: string[] = [];
  const feed = new ServiceGraphFeed(new InMemoryStore(), { log: (message) => logged.push(message) });
  feed.addUnpaired([{ kind: 'client' } as unknown as Span]);
  await feed.close();
  assert.match(logged[0] ?? '', /^service map: 1 handed-over spans were not counted/);
});
