// A real central over the store under test, the corpus's accounts linked to it, and every span
// sent the way its service would send it: OpenTelemetry services post OTLP protobuf with their
// link's token, the X-Ray-instrumented ones go through their account's agent.
import { startAgent, type PipelineAgent } from '@stitch/agent';
import { LinkRegistry } from '@stitch/central';
import { startTestCentral, type TestCentral } from '@stitch/test-support/central';
import type { CentralStore } from '@stitch/store';
import type { Corpus, CorpusAccount, PlannedSpan } from './corpus.ts';
import { otlpRequestsOf, spansOf, xraySegmentDocuments } from './stock-emitters.ts';

export interface CorpusCentral {
  central: TestCentral;
  store: CentralStore;
  /** GET a path of central's API as JSON. */
  get<T = any>(path: string): Promise<T>;
  /** POST JSON to a path of central's API; its answer as JSON. */
  post<T = any>(path: string, body: unknown): Promise<T>;
  /** Sends more spans (traces still arriving), as `loadCorpus` sent the first ones. */
  send(spans: readonly PlannedSpan[]): Promise<void>;
  stop(): Promise<void>;
}

/** Sends every span of the corpus, waits until all are stored, and settles the derived figures. */
export async function loadCorpus(store: CentralStore, corpus: Corpus): Promise<CorpusCentral> {
  const links = await LinkRegistry.open(null);
  // A long pair wait: only the explicit settle at the end may turn an unpaired call into a peer.
  const central = await startTestCentral({ store, links, serviceMap: { pairWaitMs: 600_000, flushEveryMs: 600_000 } });
  const sink = await links.createSink({ name: 'observability', allowedAccounts: ['*'], types: ['traces'] });
  const tokens = new Map<string, string>();
  const agents = new Map<string, PipelineAgent>();
  for (const account of Object.values(corpus.accounts)) {
    const { token } = await links.createLink(sink.id, { accountId: account.id, accountName: account.name, types: ['traces'], labelTemplate: '$AccountName' });
    tokens.set(account.id, token);
  }
  const agentOf = async (account: CorpusAccount) => {
    if (!agents.has(account.id)) {
      const agent = await startAgent({ account: { id: account.id, name: account.name }, sinkUrl: central.url, token: tokens.get(account.id)!, port: 0, udpPort: 0, samplingPort: 0, log: () => {} });
      agents.set(account.id, agent);
    }
    return agents.get(account.id)!;
  };

  const send = async (spans: readonly PlannedSpan[]) => {
    const before = (await store.stats()).spanCount;
    for (const account of Object.values(corpus.accounts)) {
      const own = spansOf(spans, account);
      for (const body of otlpRequestsOf(own)) {
        const answer = await fetch(`${central.url}/v1/traces`, { method: 'POST', headers: { 'content-type': 'application/x-protobuf', authorization: `Bearer ${tokens.get(account.id)}` }, body: Buffer.from(body) });
        if (answer.status !== 200) throw new Error(`central refused ${account.name}'s spans: ${answer.status} ${await answer.text()}`);
      }
      const documents = xraySegmentDocuments(own);
      for (let i = 0; i < documents.length; i += 200) {
        const agent = await agentOf(account);
        const answer = await fetch(`${agent.otlpUrl}/TraceSegments`, { method: 'POST', body: JSON.stringify({ TraceSegmentDocuments: documents.slice(i, i + 200) }) });
        const unprocessed = ((await answer.json()) as { UnprocessedTraceSegments: unknown[] }).UnprocessedTraceSegments;
        if (answer.status !== 200 || unprocessed.length > 0) throw new Error(`${account.name}'s agent refused segments: ${JSON.stringify(unprocessed).slice(0, 300)}`);
      }
    }
    const deadline = Date.now() + 60_000;
    while ((await store.stats()).spanCount < before + spans.length) {
      if (Date.now() > deadline) throw new Error(`only ${(await store.stats()).spanCount - before} of ${spans.length} spans were stored`);
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
    await central.flushServiceMap(true);
    await central.flushMetrics();
    await central.flushUsage();
  };

  await send(corpus.spans);
  return {
    central,
    store,
    send,
    get: (path) => answerOf(`GET ${path}`, fetch(`${central.url}${path}`)),
    post: (path, body) => answerOf(`POST ${path}`, fetch(`${central.url}${path}`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) })),
    async stop() {
      for (const agent of agents.values()) await agent.close();
      await central.stop();
    },
  };
}

async function answerOf(what: string, request: Promise<Response>): Promise<any> {
  const response = await request;
  const body = await response.json();
  if (response.status < 200 || response.status > 299) throw new Error(`${what}: ${response.status} ${JSON.stringify(body)}`);
  return body;
}
