import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtemp, readdir, rm } from 'node:fs/promises';
import { createServer as createHttpServer, type Server } from 'node:http';
import { DuckDBInstance } from '@duckdb/node-api';
import { makeSpan, nanos } from '@stitch/model';
import { spansToOtlpJson } from '@stitch/wire';
import { openDuckDbStore } from '@stitch/store-duckdb';
import { freePort, startStitch, type StartedProcess } from '@stitch/test-support/cli-process';
import { recountFigures, assertFiguresEqualRecount } from '@stitch/test-support/central';

// Real processes, really killed: central and the agent are `stitch` processes, SIGKILLed
// mid-load and started again on the same data. The load generator behaves like an OTLP
// exporter: a batch is retried until an agent answers 200, and "acknowledged" means that 200.
// After the kills, the figures counted from the spans (the map, span metrics, usage) must equal
// a recount of the stored spans: exactly (derived-recount.ts).

const ACCOUNT = '444444444444';
const SPANS_PER_BATCH = 50;

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

interface Cluster {
  root: string;
  /** Where the agent sends: central itself, or a proxy in front of it. */
  sinkPort: number;
  dataDir: string;
  spoolDir: string;
  centralPort: number;
  agentPort: number;
  token: string;
  central: StartedProcess | null;
  agent: StartedProcess | null;
}

const startCentralProcess = (c: Cluster) =>
  startStitch(['central', '--data', c.dataDir, '--port', String(c.centralPort), '--decode-workers', '0'], /listening on/);
const startAgentProcess = (c: Cluster) =>
  startStitch(
    ['agent', '--account', ACCOUNT, '--name', 'payments', '--sink', `http://127.0.0.1:${c.sinkPort}`, '--token', c.token, '--port', String(c.agentPort), '--udp-port', '0', '--sampling-port', '0', '--spool', c.spoolDir],
    /OTLP\/HTTP on/,
  );

async function startCluster(sinkPort?: number, centralPort?: number): Promise<Cluster> {
  const dir = await mkdtemp('/tmp/stitch-crash-');
  centralPort ??= await freePort();
  const cluster: Cluster = { root: dir, sinkPort: sinkPort ?? centralPort, dataDir: `${dir}/central`, spoolDir: `${dir}/spool`, centralPort, agentPort: await freePort(), token: '', central: null, agent: null };
  cluster.central = await startCentralProcess(cluster);
  const api = `http://127.0.0.1:${cluster.centralPort}`;
  const post = async (path: string, body: unknown) => (await fetch(`${api}${path}`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) })).json();
  const { sink } = (await post('/api/sinks', { name: 'observability', allowedAccounts: [ACCOUNT], types: ['traces'] })) as { sink: { id: string } };
  const link = (await post(`/api/sinks/${sink.id}/links`, { accountId: ACCOUNT, accountName: 'payments', types: ['traces'], labelTemplate: '$AccountName' })) as { token: string };
  cluster.token = link.token;
  cluster.agent = await startAgentProcess(cluster);
  return cluster;
}

/** Sends `batches` batches through the agent, 4 at a time, each retried until answered 200; returns the acknowledged span ids. */
async function generateLoad(cluster: Cluster, batches: number, during: (sentBatches: () => number) => Promise<void>): Promise<Set<string>> {
  const acknowledged = new Set<string>();
  let next = 0;
  let done = 0;
  const traceOf = (batch: number) => (0xabc00000 + batch).toString(16).padStart(32, '0');
  const worker = async () => {
    for (let batch = next++; batch < batches; batch = next++) {
      const startNs = BigInt(Date.now()) * 1_000_000n;
      const spans = Array.from({ length: SPANS_PER_BATCH }, (_, i) =>
        makeSpan({ traceId: traceOf(batch), spanId: (batch * SPANS_PER_BATCH + i + 1).toString(16).padStart(16, '0'), startTimeUnixNano: nanos(startNs), endTimeUnixNano: nanos(startNs + 5_000_000n) }),
      );
      const body = JSON.stringify(spansToOtlpJson(spans));
      for (;;) {
        const status = await fetch(`http://127.0.0.1:${cluster.agentPort}/v1/traces`, { method: 'POST', headers: { 'content-type': 'application/json' }, body, signal: AbortSignal.timeout(10_000) })
          .then((response) => response.status)
          .catch(() => 0);
        if (status === 200) break;
        // As an OTLP exporter: retry what may pass (no answer, 429, 5xx), give up on a refusal.
        if (status >= 400 && status < 500 && status !== 429) throw new Error(`the agent refused batch ${batch}: ${status}`);
        await sleep(100);
      }
      for (const span of spans) acknowledged.add(span.spanId);
      done += 1;
    }
  };
  await Promise.all([worker(), worker(), worker(), worker(), during(() => done)]);
  return acknowledged;
}

async function waitFor(what: string, condition: () => Promise<boolean>, timeoutMs = 60_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await condition())) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await sleep(100);
  }
}

/** Stops both processes and counts, in central's own DuckDB file, each stored span id. */
async function storedSpanIds(cluster: Cluster): Promise<{ rows: number; distinct: Set<string> }> {
  // The agent keeps its logs' spool in a `logs` folder inside the spans' one.
  await waitFor('the agent spool to drain', async () => (await readdir(cluster.spoolDir)).every((name) => name === 'logs'));
  await cluster.agent?.stop();
  await cluster.central?.stop();
  const instance = await DuckDBInstance.create(`${cluster.dataDir}/stitch.duckdb`);
  const connection = await instance.connect();
  // Span ids are stored as numbers: read back as the hex the exporter sent.
  const rows = (await connection.runAndReadAll(`SELECT printf('%016x', span_id) AS span_id FROM spans WHERE account_id = '${ACCOUNT}'`)).getRowObjectsJS();
  connection.closeSync();
  instance.closeSync();
  return { rows: rows.length, distinct: new Set(rows.map((row) => row.span_id as string)) };
}

/**
 * Between the agent and central: passes every request on, but for every `nth` it drops
 * central's answer after central has stored the batch, as a connection reset would.
 */
async function startAnswerDroppingProxy(centralPort: number, nth: number): Promise<{ server: Server; port: number; dropped: () => number }> {
  let requests = 0;
  let dropped = 0;
  const server = createHttpServer(async (req, res) => {
    const chunks: Buffer[] = [];
    for await (const chunk of req) chunks.push(chunk as Buffer);
    const headers = Object.fromEntries(Object.entries(req.headers).filter(([name]) => name !== 'host' && name !== 'content-length' && name !== 'connection')) as Record<string, string>;
    try {
      const answer = await fetch(`http://127.0.0.1:${centralPort}${req.url}`, { method: req.method!, headers, body: chunks.length > 0 ? Buffer.concat(chunks) : null });
      const body = Buffer.from(await answer.arrayBuffer());
      if (req.url === '/v1/traces' && answer.status === 200 && ++requests % nth === 0) {
        dropped += 1;
        req.socket.destroy();
        return;
      }
      res.writeHead(answer.status, { 'content-type': answer.headers.get('content-type') ?? 'application/octet-stream' });
      res.end(body);
    } catch {
      req.socket.destroy(); // central is down: so is the connection
    }
  });
  const port = await freePort();
  await new Promise<void>((resolve) => server.listen(port, '127.0.0.1', resolve));
  return { server, port, dropped: () => dropped };
}

const kill = async (process: StartedProcess | null) => {
  process?.child.kill('SIGKILL');
  await process?.stop();
};

test('central SIGKILLed twice mid-load and restarted, answers lost on the way: every acknowledged span is stored exactly once, and counted once', { timeout: 120_000 }, async () => {
  const centralPort = await freePort();
  const proxy = await startAnswerDroppingProxy(centralPort, 7);
  const cluster = await startCluster(proxy.port, centralPort);
  try {
    const acknowledged = await generateLoad(cluster, 300, async (sent) => {
      for (const after of [60, 160]) {
        await waitFor(`${after} batches sent`, async () => sent() >= after);
        await kill(cluster.central);
        await sleep(700); // the agent keeps accepting into its spool meanwhile
        cluster.central = await startCentralProcess(cluster);
      }
    });
    assert.equal(acknowledged.size, 300 * SPANS_PER_BATCH);
    const stored = await storedSpanIds(cluster);
    assert.equal(stored.distinct.size, acknowledged.size, 'no acknowledged span lost');
    assert.ok(proxy.dropped() > 10, `answers dropped after central stored the batch: ${proxy.dropped()}`);
    assert.equal(stored.rows, acknowledged.size, 'and none stored twice, though the agent resent those batches');
    const store = await openDuckDbStore({ path: `${cluster.dataDir}/stitch.duckdb` });
    try {
      const figures = await recountFigures(store);
      assert.equal(figures.spans, acknowledged.size, 'every stored span is read back for the recount');
      assertFiguresEqualRecount(figures);
    } finally {
      await store.close();
    }
  } finally {
    proxy.server.close();
    await kill(cluster.agent);
    await kill(cluster.central);
    await rm(cluster.root, { recursive: true, force: true });
  }
});

test('the agent SIGKILLed mid-load and restarted on its spool: every acknowledged span stored exactly once', { timeout: 120_000 }, async () => {
  const cluster = await startCluster();
  try {
    const acknowledged = await generateLoad(cluster, 300, async (sent) => {
      await waitFor('100 batches sent', async () => sent() >= 100);
      await kill(cluster.agent);
      await sleep(300); // the generator's batches fail meanwhile, and are retried
      cluster.agent = await startAgentProcess(cluster);
    });
    const stored = await storedSpanIds(cluster);
    for (const id of acknowledged) assert.ok(stored.distinct.has(id), `acknowledged span ${id} is stored`);
    // A batch spooled but not yet answered when the agent died is resent by its exporter, byte for
    // byte: its delivery key is the content's hash, so central stores it once.
    assert.equal(stored.rows, stored.distinct.size, `${stored.rows - stored.distinct.size} spans stored twice`);
  } finally {
    await kill(cluster.agent);
    await kill(cluster.central);
    await rm(cluster.root, { recursive: true, force: true });
  }
});
