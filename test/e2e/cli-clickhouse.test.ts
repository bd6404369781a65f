import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtemp, rm } from 'node:fs/promises';
import { exportSampleTrace } from '@stitch/test-support/exporters';
import { startClickHouse, type ClickHouseServers } from '@stitch/test-support/clickhouse';
import { freePort, runStitch, startStitch, type StartedProcess } from '@stitch/test-support/cli-process';

const LISTENING = /listening on (http:\/\/\S+) \(store: ([^)]*)\)/;

describe('stitch central --clickhouse, on a two-shard cluster', () => {
  let servers: ClickHouseServers;
  let dataDir: string;
  let args: string[];
  let central: StartedProcess & { match: RegExpMatchArray };

  before(async () => {
    servers = await startClickHouse({ shards: 2 });
    dataDir = await mkdtemp('/tmp/stitch-cli-clickhouse-');
    args = ['central', '--data', dataDir, '--port', String(await freePort()), '--clickhouse', servers.urls.join(','), '--clickhouse-database', 'e2e'];
    central = await startStitch(args, LISTENING);
  });
  after(async () => {
    await central?.stop();
    await servers?.stop();
    await rm(dataDir, { recursive: true, force: true });
  });

  test('traces exported with the OpenTelemetry SDK are found by id, by expression and on the map, and survive a restart', async () => {
    const url = central.match[1]!;
    assert.equal(central.match[2], `ClickHouse ${servers.urls.map((u) => new URL(u).host).join(', ')}`);
    const sent = await Promise.all([exportSampleTrace(url, 'protobuf'), exportSampleTrace(url, 'json'), exportSampleTrace(url, 'protobuf+gzip')]);

    const trace = await runStitch(['trace', sent[1]!.traceId, '--url', url, '--json']);
    assert.equal(trace.code, 0, trace.stderr);
    const spans = JSON.parse(trace.stdout).spans as Array<{ name: string; attributes: Record<string, unknown> }>;
    assert.deepEqual(spans.map((s) => s.name).sort(), ['POST /checkout', 'Stripe API call ☕']);
    assert.equal(spans.find((s) => s.name === 'POST /checkout')!.attributes['order.total'], 99.5);

    const search = await runStitch(['search', 'service("checkout-orchestrator") { name CONTAINS "Stripe" AND fault } AND duration > 0', '--url', url, '--json']);
    assert.equal(search.code, 0, search.stderr);
    assert.deepEqual((JSON.parse(search.stdout).traces as Array<{ traceId: string }>).map((t) => t.traceId).sort(), sent.map((s) => s.traceId).sort());

    // The map's counts are flushed by central every few seconds: the three root requests, summed from ClickHouse.
    let requests = 0;
    for (let tries = 0; tries < 60 && requests < 3; tries++) {
      await new Promise((resolve) => setTimeout(resolve, 250));
      const map = (await (await fetch(`${url}/api/service-map`)).json()) as { nodes: Array<{ service: string; stats: { requests: number } }> };
      requests = map.nodes.find((node) => node.service === 'checkout-orchestrator')?.stats.requests ?? 0;
    }
    assert.equal(requests, 3, 'the service map counts the three requests of checkout-orchestrator');

    await central.stop();
    central = await startStitch(args, LISTENING);
    const again = await runStitch(['trace', sent[0]!.traceId, '--url', central.match[1]!, '--json']);
    assert.equal(JSON.parse(again.stdout).spans.length, 2, 'stored in ClickHouse, not in the process');
  });

  test('a garbage payload is refused with 400 and central keeps serving', async () => {
    const url = central.match[1]!;
    const garbage = await fetch(`${url}/v1/traces`, { method: 'POST', headers: { 'content-type': 'application/x-protobuf' }, body: new Uint8Array([0xff, 0xff, 0xff, 0x0f, 0x01]) });
    assert.equal(garbage.status, 400);
    const sent = await exportSampleTrace(url, 'protobuf');
    assert.equal((await (await fetch(`${url}/api/traces/${sent.traceId}`)).json()).spans.length, 2);
  });
});

test('bad --clickhouse settings stop central with the reason', async () => {
  const dead = `http://127.0.0.1:${await freePort()}`;
  for (const [extra, reason] of [
    [['--clickhouse', 'not a url'], /--clickhouse: clickhouse: "not a url" is not a URL/],
    [['--clickhouse', 'ftp://127.0.0.1:21'], /is not an http\(s\) URL/],
    [['--clickhouse', dead], /--clickhouse: clickhouse: open failed: .*ECONNREFUSED/],
    [['--retention-days', '3'], /--retention-days needs --clickhouse/],
  ] as const) {
    const result = await runStitch(['central', '--memory', '--port', '0', ...extra]);
    assert.notEqual(result.code, 0, `${extra.join(' ')} must fail`);
    assert.match(result.stderr, reason);
  }
});
