import { mkdtempSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { after } from 'node:test';
import type { SpanBatch } from '@stitch/model';
import type { GraphRecord } from '@stitch/graph';
import { runStoreContract } from '@stitch/test-support/store-contracts';
import type { TraceStore } from '@stitch/store';
import { openDuckDbStore, type DuckDbStore } from '@stitch/store-duckdb';
import { FederationClient } from './federation-client.ts';
import { ReadAllowList } from './read-allow-list.ts';
import { serveReadsOf, type TestServer } from '@stitch/test-support/listen';

/**
 * An agent's DuckDB store as central sees it: writes go to the store, every read goes over HTTP
 * (FederationClient → serveStoreReads → the same store). It must behave as the store itself.
 * The client is the faithful one: the contract writes spans of many accounts, which RemoteStore
 * would put in the member's (that is tested in remote-store.test.ts).
 */
class StoreOverHttp implements TraceStore {
  private constructor(
    readonly local: DuckDbStore,
    private readonly server: TestServer,
    private readonly reads: FederationClient,
  ) {}

  static async of(local: DuckDbStore): Promise<StoreOverHttp> {
    const server = await serveReadsOf(local);
    return new StoreOverHttp(local, server, new FederationClient({ url: server.url, token: 'link-token', allowList: ReadAllowList.of([server.url]), account: { id: 'agent', label: 'agent' }, timeoutMs: 30_000 }));
  }

  writeBatch = (batch: SpanBatch, deliveryIds?: readonly string[]) => this.local.writeBatch(batch, deliveryIds);
  storedDeliveries = (deliveryIds: readonly string[]) => this.local.storedDeliveries(deliveryIds);
  writeGraphRecords = (records: readonly GraphRecord[]) => this.local.writeGraphRecords(records);
  getTrace: TraceStore['getTrace'] = (traceId) => this.reads.getTrace(traceId);
  getTraceOutline: TraceStore['getTraceOutline'] = (traceId) => this.reads.getTraceOutline(traceId);
  getSpans: TraceStore['getSpans'] = (traceId, spanIds) => this.reads.getSpans(traceId, spanIds);
  getTraces: TraceStore['getTraces'] = (traceIds) => this.reads.getTraces(traceIds);
  searchTraces: TraceStore['searchTraces'] = (query) => this.reads.searchTraces(query);
  durationHistogram: TraceStore['durationHistogram'] = (query) => this.reads.durationHistogram(query);
  traceIdsStartedIn: TraceStore['traceIdsStartedIn'] = (startNanos, endNanos, limit) => this.reads.traceIdsStartedIn(startNanos, endNanos, limit);
  listServices: TraceStore['listServices'] = () => this.reads.listServices();
  listAccounts: TraceStore['listAccounts'] = () => this.reads.listAccounts();
  readGraphRecords: TraceStore['readGraphRecords'] = (startMs, endMs) => this.reads.readGraphRecords(startMs, endMs);
  stats: TraceStore['stats'] = () => this.reads.stats();

  async close(): Promise<void> {
    await this.server.close();
    await this.local.close();
  }
}

const dir = mkdtempSync('/tmp/stitch-federation-');
after(() => rmSync(dir, { recursive: true, force: true }));
let files = 0;
const paths = new WeakMap<TraceStore, string>();

runStoreContract('duckdb read over HTTP', {
  newStore: async () => {
    const path = join(dir, `contract-${++files}.duckdb`);
    const store = await StoreOverHttp.of(await openDuckDbStore({ path }));
    paths.set(store, path);
    return store;
  },
  reopen: async (store) => {
    const path = paths.get(store)!;
    await store.close();
    return StoreOverHttp.of(await openDuckDbStore({ path }));
  },
  skip: { 'numbers JSON cannot write (NaN, ±Infinity, -0) come back as written': 'the read API answers in JSON, which has no NaN or Infinity' },
});
