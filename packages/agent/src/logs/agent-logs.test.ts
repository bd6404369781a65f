import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtemp, readdir, rm } from 'node:fs/promises';
import { join } from 'node:path';
import { openDuckDbStore } from '@stitch/store-duckdb';
import { LinkRegistry, startCentral } from '@stitch/central';
import { exportSampleLogs } from '@stitch/test-support/exporters';
import { freePort } from '@stitch/test-support/cli-process';
import { startAgent, type RunningAgent } from '../agent.ts';

const ACCOUNT = { id: '444444444444', name: 'payments' };

/** A link registry that links ACCOUNT with `types`, and the link's token. */
async function linkFor(types: Array<'traces' | 'logs'>) {
  const registry = await LinkRegistry.open(null);
  const sink = await registry.createSink({ name: 'observability', allowedAccounts: ['*'], types: ['traces', 'logs'] });
  const { token } = await registry.createLink(sink.id, { accountId: ACCOUNT.id, accountName: ACCOUNT.name, types, labelTemplate: '$AccountName' });
  return { registry, token };
}

/** A real central on `port` over an in-memory DuckDB store. */
async function startCentralOn(port: number, registry: LinkRegistry) {
  const store = await openDuckDbStore({ path: ':memory:' });
  const central = await startCentral({ store, links: registry, port, decodeWorkers: 0, log: () => {} });
  return {
    url: central.url,
    stop: async () => {
      await central.close();
      await store.close();
    },
  };
}

async function until<T>(what: string, probe: () => Promise<T | null>, timeoutMs = 10_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await probe();
    if (value !== null) return value;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

const post = async (url: string, body: string, contentType = 'application/json') => {
  const response = await fetch(url, { method: 'POST', headers: { 'content-type': contentType }, body });
  const text = await response.text();
  return { status: response.status, text, body: (text.startsWith('{') ? JSON.parse(text) : {}) as Record<string, any> };
};

describe('logs through a real agent to central', () => {
  let spool: string;
  let central: Awaited<ReturnType<typeof startCentralOn>>;
  let agent: RunningAgent;
  const logsOf = async (query: string) => ((await (await fetch(`${central.url}/api/logs?${query}`)).json()) as { logs: Array<Record<string, any>> }).logs;

  before(async () => {
    spool = await mkdtemp('/tmp/stitch-agent-logs-');
    // The agent starts first, while its central is down: what it accepts must wait, not vanish.
    const port = await freePort();
    const { registry, token } = await linkFor(['traces', 'logs']);
    agent = await startAgent({ account: ACCOUNT, sinkUrl: `http://127.0.0.1:${port}`, token, port: 0, udpPort: 0, samplingPort: 0, spoolDir: spool, maxSpansPerRequest: 50, maxBodyBytes: 64 * 1024, log: () => {} });
    const early = await post(`${agent.otlpUrl}/v1/logs/jsonl`, '{"msg":"sent while central was down","trace_id":"5f84c7a1eeeeeeeeeeeeeeeeeeeeeeee"}');
    assert.equal(early.status, 200, early.text);
    central = await startCentralOn(port, registry);
  });
  after(async () => {
    await agent.close();
    await central.stop();
    await rm(spool, { recursive: true, force: true });
  });

  test('a line accepted while central was down reaches it once central is up', async () => {
    const found = await until('the early line at central', async () => {
      const logs = await logsOf('traceId=5f84c7a1eeeeeeeeeeeeeeeeeeeeeeee');
      return logs.length === 1 ? logs : null;
    }, 15_000);
    assert.equal(found[0]!.body, 'sent while central was down');
  });

  test('JSON lines are spooled, then delivered with retries to central under the link account; bad lines are named by number', async () => {
    const lines = [
      '{"time":"2030-03-17T17:46:40.5Z","level":"error","msg":"card declined","trace_id":"1-5f84c7a1-cdcdcdcdcdcdcdcdcdcdcdcd","span_id":"00000000000000aa","service":"payments","order":"o-42"}',
      '{"time":"2030-03-17T17:46:40.6Z","level":"info","msg":"retrying","traceId":"5f84c7a1cdcdcdcdcdcdcdcdcdcdcdcd","service":"payments","cloud.account.id":"999999999999"}',
      'garbage',
      '{"level":"loud"}',
    ].join('\n');
    const answer = await post(`${agent.otlpUrl}/v1/logs/jsonl`, lines, 'application/x-ndjson');
    assert.equal(answer.status, 200, answer.text);
    assert.deepEqual(answer.body, { accepted: 2, rejectedLines: 2, rejected: [{ line: 3, reason: 'line: not JSON' }, { line: 4, reason: answer.body.rejected[1].reason }] });
    assert.match(answer.body.rejected[1]?.reason, /^level: /);
    const found = await until('the lines at central', async () => {
      const logs = await logsOf('traceId=5f84c7a1cdcdcdcdcdcdcdcdcdcdcdcd');
      return logs.length === 2 ? logs : null;
    });
    assert.deepEqual(
      found.map((l) => [l.body, l.severityNumber, l.spanId, l.serviceName, l.account.id, l.attributes]),
      [
        ['card declined', 17, '00000000000000aa', 'payments', ACCOUNT.id, { order: 'o-42' }],
        ['retrying', 9, '', 'payments', ACCOUNT.id, { 'cloud.account.id': '999999999999' }],
      ],
    );
    await until('the spool to empty', async () => ((await readdir(join(spool, 'logs'))).length === 0 ? true : null));
  });

  test('the stock OpenTelemetry logs exporter can send to the agent (protobuf), and central gets the lines', async () => {
    const traceId = 'ef'.repeat(16);
    await exportSampleLogs(agent.otlpUrl, 'protobuf', traceId);
    const found = await until('the exported lines at central', async () => {
      const logs = await logsOf(`traceId=${traceId}`);
      return logs.length === 2 ? logs : null;
    });
    assert.deepEqual(found.map((l) => [l.severityText, l.account.id]), [['INFO', ACCOUNT.id], ['ERROR', ACCOUNT.id]]);
  });

  test('garbage, oversized and hostile input is refused at the agent, naming the field, and it keeps serving', async () => {
    const cases: Array<[string, string, string, number, RegExp]> = [
      ['/v1/logs/jsonl', 'garbage\n[1]', 'application/x-ndjson', 400, /^lines: all 2 lines were refused: line 1: line: not JSON/],
      ['/v1/logs/jsonl', Array.from({ length: 51 }, () => '{"msg":"x"}').join('\n'), 'application/x-ndjson', 413, /^lines: 51 lines/],
      ['/v1/logs/jsonl', 'x'.repeat(70 * 1024), 'application/x-ndjson', 413, /^request body/],
      ['/v1/logs', 'not json', 'application/json', 400, /^JSON: /],
      ['/v1/logs', '{"resourceLogs":[{"scopeLogs":[{"logRecords":[{"timeUnixNano":"1","spanId":"xyz","traceId":"5f84c7a1cdcdcdcdcdcdcdcdcdcdcdcd"}]}]}]}', 'application/json', 400, /spanId: /],
      ['/v1/logs', '{}', 'text/plain', 415, /^content-type: /],
    ];
    for (const [path, body, type, status, message] of cases) {
      const answer = await post(`${agent.otlpUrl}${path}`, body, type);
      assert.equal(answer.status, status, `${path}: ${answer.text}`);
      assert.match(answer.body.error ?? answer.body.message, message);
    }
    assert.equal((await post(`${agent.otlpUrl}/v1/logs/jsonl`, '{"msg":"still serving"}')).status, 200);
  });
});

test("a link without 'logs': central refuses the agent's batch (403), and the agent then refuses new logs with that status", async () => {
  const { registry, token } = await linkFor(['traces']);
  const central = await startCentralOn(0, registry);
  const agent = await startAgent({ account: ACCOUNT, sinkUrl: central.url, token, port: 0, udpPort: 0, samplingPort: 0, drainOnCloseMs: 0, log: () => {} });
  try {
    assert.equal((await post(`${agent.otlpUrl}/v1/logs/jsonl`, '{"msg":"not shared"}')).status, 200);
    await until('central to refuse', async () => agent.logForwarder.refusal);
    const refused = await post(`${agent.otlpUrl}/v1/logs/jsonl`, '{"msg":"again"}');
    assert.equal(refused.status, 403);
    assert.match(refused.body.error, /does not share logs/);
  } finally {
    await agent.close();
    await central.stop();
  }
});
